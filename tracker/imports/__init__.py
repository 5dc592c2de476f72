"""Moving old registers in: reading reception and petition registers as offices keep them."""

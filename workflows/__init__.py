"""Pure domain of the tracker: workflow definitions, the engine that applies them,
legal rule sets and the working-day calendar. Nothing here imports Flask or SQLAlchemy
or does I/O beyond reading the rule-set files shipped with the package."""

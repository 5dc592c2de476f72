"""Sign-in and authorisation: who may see and do what, decided in one place."""

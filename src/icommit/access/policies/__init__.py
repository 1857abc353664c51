"""One policy per guarded model; each answers ``can`` for one object and ``visible`` for many."""

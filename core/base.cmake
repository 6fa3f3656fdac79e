# base: time, rings, logging: what every other module uses.
rb_module(base SOURCES rbtime.c ring.c log.c cli.c)
rb_check(ring SOURCES tests/check_ring.c DEPS base LABELS unit)

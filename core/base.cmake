# base: time, rings, logging: what every other module uses.
rb_module(base SOURCES rbtime.c ring.c log.c cli.c tzone.c)
rb_check(ring SOURCES tests/check_ring.c DEPS base LABELS unit)
rb_check(tzone SOURCES tests/check_tzone.c DEPS base LABELS unit TIMEOUT 120)

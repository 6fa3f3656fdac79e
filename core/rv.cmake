# rv: random variates (GSL) for scenario distributions; see rv.h.
rb_module(rv SOURCES rv.c rv_cond.c DEPS base PkgConfig::GSL)
rb_check(rv SOURCES tests/check_rv.c DEPS rv LABELS unit statistical TIMEOUT 60)

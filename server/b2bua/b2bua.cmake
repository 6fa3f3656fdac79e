# The B2BUA's operator leg (issue 15): the center's INVITE to an operator's
# phone, its CANCEL, ACK and BYE. Not wired into dispatch yet.
rb_module(opleg SOURCES opleg.c DEPS sipmsg base)

# The B2BUA's operator leg (issue 15): the center's INVITE to an operator's
# phone, its CANCEL, ACK and BYE (opleg.c), and the talk's re-INVITEs and
# UPDATEs both ways (opleg_dlg.c); rung and relayed by center/center_ops.c.
rb_module(opleg SOURCES opleg.c opleg_dlg.c DEPS sipmsg base)

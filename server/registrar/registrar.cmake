# Operators as SIP users of secretaryd: the operators file (opfile) and the
# registrar (REGISTER, Digest authentication, the contact bindings).
rb_module(opfile SOURCES opfile.c DEPS sip_digest sipmsg base PkgConfig::YAML PkgConfig::CRYPTO)
rb_module(registrar SOURCES registrar.c DEPS opfile sip_digest sipmsg base)

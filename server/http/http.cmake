# http_admin: secretaryd's admin HTTP server: /metrics, /api/state, /wallboard, PUT.
rb_module(http_admin SOURCES http_admin.c http_wallboard.c
  DEPS base PkgConfig::MHD PkgConfig::UV)

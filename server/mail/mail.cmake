# spool: the durable call-report queue and its delivery (Maildir, SMTP);
# docs/secretaryd-reports.md.
rb_module(spool SOURCES spool.c spool_file.c deliver_maildir.c deliver_smtp.c
  DEPS rbjson base PkgConfig::CURL Threads::Threads)

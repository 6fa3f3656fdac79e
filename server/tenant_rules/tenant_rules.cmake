# tenant_rules: answering names, mobile policy, test calls, changes (Q6-Q10);
# docs/secretaryd-reports.md.
rb_module(tenant_rules SOURCES tenant_rules.c tenant_rules_put.c tenant_rules_hist.c
  DEPS scn base PkgConfig::JANSSON)

# plan: `ringbench plan`: a day's requirement per interval (Erlang A or the
# model), rostered into shifts (roster, GLPK) and checked in the model. See
# sim/plan/plan.h, docs/plan.md.
rb_module(plan SOURCES plan.c plan_day.c plan_floors.c plan_out.c
  DEPS model limit roster erlang scn results base PkgConfig::JANSSON PkgConfig::YAML PkgConfig::GSL)
rb_tool_lib(plan roster)
rb_check(plan SOURCES tests/check_plan.c DEPS plan LABELS unit TIMEOUT 300)
rb_check(plan_floors SOURCES tests/check_plan_floors.c DEPS plan erlang LABELS unit TIMEOUT 300)

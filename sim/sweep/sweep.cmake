# sweep: `ringbench sweep`: the model over a staffing grid, resumable and
# shardable; staffing table. See sim/sweep/sweep.h, docs/sweep.md.
rb_module(sweep SOURCES sweep.c sweep_run.c sweep_collect.c sweep_cache.c sweep_grid_cap.c
  DEPS model limit scn results erlang base PkgConfig::JANSSON Threads::Threads)
rb_tool_lib(sweep)

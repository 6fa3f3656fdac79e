# suite: `ringbench suite`, scenarios run together, JUnit XML (sim/suite/suite.h).
rb_module(suite SOURCES suite.c suite_junit.c DEPS live model scn results base PkgConfig::YAML PkgConfig::JANSSON)
rb_tool_lib(suite)

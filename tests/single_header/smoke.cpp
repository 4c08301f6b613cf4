// Built with only single_include/ on the include path: proves the generated
// single header is complete and self-contained.
#include "../unit/smoke.cpp"

// Measures: nothing by itself. The floor of a process for bench_process: an empty main, linked
// either with nothing but libc (startup_floor) or with the shared libraries the kruispunt tool
// loads (startup_floor_libs: libtbb, libQuantLib with libgomp, libyaml-cpp, libstdc++), so the
// difference is what loading, relocating and initialising those libraries costs.
int main() { return 0; }

// Measures: where a process's time goes outside main, without changing the program. Loaded with
// LD_PRELOAD=libkp_startup_probe.so and KP_PROBE_FD=<fd>, it takes CLOCK_MONOTONIC time points
//   getenv      the first call of getenv through the dynamic linker (it is interposed): the kernel's
//               exec and the loader's loading and relocation of every library are done, and the
//               libraries' initialisers have begun: libgomp's comes first after libc's (LD_DEBUG=libs,
//               "calling init") and starts by reading its OMP_* variables. (libc's and the loader's
//               own getenv calls are internal and not seen.) A program without libgomp may call getenv
//               first from main or not at all: then this point says nothing about the initialisers.
//   ctor        its own initialiser, which runs last of the libraries' (a preloaded library is
//               initialised after the libraries it precedes in the search order): libstdc++'s,
//               yaml-cpp's, QuantLib's and TBB's initialisers are done
//   start_main  __libc_start_main entered (wrapped): every shared library is initialised
//   main        main entered (main wrapped): the executable's own static initialisers have run
//   main_ret    main returned (not reached when the program calls exit() itself)
//   thread      the first pthread_create (TBB starting its workers), and how many were made
//   fini        its own finaliser: exit handlers and the static destructors of the program and of
//               the libraries initialised after it have run
// and writes them on one line to file descriptor KP_PROBE_FD at exit:
//   probe getenv=<ns> ctor=<ns> start_main=<ns> main=<ns> main_ret=<ns> thread=<ns> threads=<n> fini=<ns>
// (0 for a point not reached). bench_process subtracts the parent's time of posix_spawn; what
// follows fini (the kernel's teardown of the address space) is the rest of the parent's wall time.
//
// Without KP_PROBE_FD it records nothing and writes nothing. Written against libc alone (no C++
// library calls), so that loading it moves no initialiser.
#include <dlfcn.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

namespace {

using MainFn = int (*)(int, char**, char**);
using StartMainFn = int (*)(MainFn, int, char**, void (*)(), void (*)(), void (*)(), void*);
using ThreadFn = int (*)(pthread_t*, const pthread_attr_t*, void* (*)(void*), void*);
using GetenvFn = char* (*)(const char*);

long long tGetenv, tCtor, tStartMain, tMain, tMainRet, tThread;
int threads;
int outFd = -1;
MainFn realMain;
ThreadFn realThread;
GetenvFn realGetenv;

long long nowNs() {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<long long>(ts.tv_sec) * 1000000000LL + ts.tv_nsec;
}

int wrappedMain(int argc, char** argv, char** envp) {
    tMain = nowNs();
    const int rc = realMain(argc, argv, envp);
    tMainRet = nowNs();
    return rc;
}

/// Appends "name=value " to buf at *pos (no snprintf: nothing here may need more than libc's basics).
void put(char* buf, int* pos, const char* name, long long v) {
    for (const char* c = name; *c; ++c) buf[(*pos)++] = *c;
    buf[(*pos)++] = '=';
    char digits[24];
    int n = 0;
    do {
        digits[n++] = static_cast<char>('0' + v % 10);
        v /= 10;
    } while (v > 0);
    while (n > 0) buf[(*pos)++] = digits[--n];
    buf[(*pos)++] = ' ';
}

__attribute__((constructor(101))) void probeInit() {
    tCtor = nowNs();
    if (const char* fd = getenv("KP_PROBE_FD")) outFd = atoi(fd);
}

__attribute__((destructor(101))) void probeFini() {
    if (outFd < 0) return;
    const long long tFini = nowNs();
    char buf[512];
    int pos = 0;
    for (const char* c = "probe "; *c; ++c) buf[pos++] = *c;
    put(buf, &pos, "getenv", tGetenv);
    put(buf, &pos, "ctor", tCtor);
    put(buf, &pos, "start_main", tStartMain);
    put(buf, &pos, "main", tMain);
    put(buf, &pos, "main_ret", tMainRet);
    put(buf, &pos, "thread", tThread);
    put(buf, &pos, "threads", threads);
    put(buf, &pos, "fini", tFini);
    buf[pos - 1] = '\n';
    [[maybe_unused]] const ssize_t n = write(outFd, buf, static_cast<size_t>(pos));
}

}  // namespace

extern "C" {

int __libc_start_main(MainFn main, int argc, char** argv, void (*init)(), void (*fini)(),
                      void (*rtldFini)(), void* stackEnd) {
    tStartMain = nowNs();
    realMain = main;
    const auto real = reinterpret_cast<StartMainFn>(dlsym(RTLD_NEXT, "__libc_start_main"));
    return real(wrappedMain, argc, argv, init, fini, rtldFini, stackEnd);
}

int pthread_create(pthread_t* thread, const pthread_attr_t* attr, void* (*start)(void*), void* arg) {
    if (__atomic_fetch_add(&threads, 1, __ATOMIC_RELAXED) == 0) tThread = nowNs();
    ThreadFn real = __atomic_load_n(&realThread, __ATOMIC_ACQUIRE);
    if (!real) {
        real = reinterpret_cast<ThreadFn>(dlsym(RTLD_NEXT, "pthread_create"));
        __atomic_store_n(&realThread, real, __ATOMIC_RELEASE);
    }
    return real(thread, attr, start, arg);
}

char* getenv(const char* name) {
    long long expected = 0;
    const long long t = nowNs();
    __atomic_compare_exchange_n(&tGetenv, &expected, t, false, __ATOMIC_RELAXED, __ATOMIC_RELAXED);
    GetenvFn real = __atomic_load_n(&realGetenv, __ATOMIC_ACQUIRE);
    if (!real) {
        real = reinterpret_cast<GetenvFn>(dlsym(RTLD_NEXT, "getenv"));
        __atomic_store_n(&realGetenv, real, __ATOMIC_RELEASE);
    }
    return real(name);
}

}  // extern "C"

// Shared measuring helpers for the benchmarks.
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// This process's resource usage so far.
func selfUsage() -> rusage {
    var usage = rusage()
    #if os(Linux)
        getrusage(RUSAGE_SELF.rawValue, &usage)
    #else
        getrusage(RUSAGE_SELF, &usage)
    #endif
    return usage
}

/// Peak resident memory in MiB.
func peakRSSMegabytes() -> Double {
    #if os(Linux)
        return Double(selfUsage().ru_maxrss) / 1024
    #else
        return Double(selfUsage().ru_maxrss) / 1024 / 1024
    #endif
}

/// User + system CPU seconds of this process so far (robust on a loaded machine).
func cpuSeconds() -> Double {
    let usage = selfUsage()
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
}

func time(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

func line(_ name: String, bytes: Int, records: Int, seconds: Double) {
    let mbps = Double(bytes) / 1e6 / seconds
    let rps = Double(records) / seconds
    print(String(format: "%-28@ %9.1f MB/s %11.0f records/s %8.3f s", name as NSString, mbps, rps, seconds))
}

func timeBoth(_ body: () throws -> Void) rethrows -> (wall: Double, cpu: Double) {
    let c0 = cpuSeconds()
    let w = try time(body)
    return (w, cpuSeconds() - c0)
}

func line(_ name: String, bytes: Int, records: Int, wall: Double, cpu: Double) {
    print(String(format: "%-28@ %9.1f MB/s %11.0f records/s %8.3f s wall | CPU %8.3f s = %7.1f MB/s", name as NSString,
        Double(bytes) / 1e6 / wall, Double(records) / wall, wall, cpu, Double(bytes) / 1e6 / cpu))
}

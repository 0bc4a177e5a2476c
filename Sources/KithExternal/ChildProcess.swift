import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A child process with pipes, a deadline and an inactivity watchdog: the
/// isolation layer for external plugins. A plugin that crashes, hangs or
/// floods output is killed and reported; it cannot take the run down.
///
/// Spawned with `posix_spawn` in a process group of its own, so that killing
/// it also kills what it started (a shell script's `sleep`, a Python
/// interpreter's children), which would otherwise hold the pipes open.
/// Foundation's `Process` offers neither the process group nor a safe way to
/// drain standard error without its `readabilityHandler`.
// @unchecked: what other threads touch is a `Locked` value, a semaphore or a
// system call on a descriptor; `watchdog` is set and cancelled by the owner.
final class ChildProcess: @unchecked Sendable {
    private(set) var pid: pid_t = 0
    /// Our end of the child's standard input.
    private(set) var stdinFD: Int32 = -1
    /// Our end of the child's standard output.
    private(set) var stdoutFD: Int32 = -1
    private let stderrTail = Locked<[UInt8]>([])
    private let lastActivity = Locked<UInt64>(DispatchTime.now().uptimeNanoseconds)
    private let killedForTimeout = Locked(false)
    private let status = Locked<Int32?>(nil)
    private let exited = DispatchSemaphore(value: 0)
    private let stderrDone = DispatchSemaphore(value: 0)
    private var watchdog: (any DispatchSourceTimer)?
    private let executable: String
    private let arguments: [String]

    private static let spawnLock = NSLock()

    /// Writing to a child that has exited must give EPIPE, not kill us.
    static let ignoreSIGPIPE: Void = { signal(SIGPIPE, SIG_IGN) }()

    init(executable: String, arguments: [String]) {
        _ = ChildProcess.ignoreSIGPIPE
        self.executable = executable
        self.arguments = arguments
    }

    deinit {
        if stdinFD >= 0 { close(stdinFD) }
        if stdoutFD >= 0 { close(stdoutFD) }
    }

    /// Starts the child; throws when it cannot be started at all.
    func start() throws(PluginSpawnError) {
        // pipe2(O_CLOEXEC) is not visible from Swift here: create and mark the
        // pipes under a lock, so two of our spawns never leak each other's ends.
        ChildProcess.spawnLock.lock()
        defer { ChildProcess.spawnLock.unlock() }
        var inPipe: [Int32] = [-1, -1], outPipe: [Int32] = [-1, -1], errPipe: [Int32] = [-1, -1]
        guard pipe(&inPipe) == 0, pipe(&outPipe) == 0, pipe(&errPipe) == 0 else {
            throw PluginSpawnError(reason: String(cString: strerror(errno)))
        }
        for fd in inPipe + outPipe + errPipe { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, inPipe[0], 0)
        posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETPGROUP))
        posix_spawnattr_setpgroup(&attr, 0)

        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = ProcessInfo.processInfo.environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var spawned: pid_t = 0
        var rc = posix_spawn(&spawned, executable, &actions, &attr, argv, envp)
        // ETXTBSY: the program file is still open for writing somewhere (just
        // installed, or its descriptor inherited by a concurrent fork). It
        // clears within moments.
        var retries = 0
        while rc == ETXTBSY && retries < 20 {
            retries += 1
            usleep(50_000)
            rc = posix_spawn(&spawned, executable, &actions, &attr, argv, envp)
        }
        let child = spawned
        close(inPipe[0])
        close(outPipe[1])
        close(errPipe[1])
        guard rc == 0 else {
            close(inPipe[1])
            close(outPipe[0])
            close(errPipe[0])
            throw PluginSpawnError(reason: String(cString: strerror(rc)))
        }
        pid = child
        stdinFD = inPipe[1]
        stdoutFD = outPipe[0]
        let errFD = errPipe[0]
        let tail = stderrTail
        let stderrDone = self.stderrDone
        // Drain standard error so a chatty plugin never blocks; keep the end.
        Thread.detachNewThread {
            var buf = [UInt8](repeating: 0, count: 4096)
            while true {
                let n = buf.withUnsafeMutableBytes { read(errFD, $0.baseAddress!, 4096) }
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { break }
                tail.withLock { t in
                    t.append(contentsOf: buf[0..<n])
                    if t.count > 4096 { t.removeFirst(t.count - 4096) }
                }
            }
            close(errFD)
            stderrDone.signal()
        }
        let status = self.status
        let exited = self.exited
        Thread.detachNewThread {
            var s: Int32 = 0
            while waitpid(child, &s, 0) < 0 && errno == EINTR {}
            status.withLock { $0 = s }
            exited.signal()
        }
    }

    /// Kills the child and its process group.
    func kill() {
        if pid > 0 { _ = Glibc.kill(-pid, SIGKILL) }
    }

    /// Kills the child when `seconds` pass without `touch()` being called.
    func armWatchdog(inactivity seconds: Double) {
        let timer = DispatchSource.makeTimerSource(queue: DispatchQueue.global())
        let interval = max(0.05, min(1, seconds / 4))
        timer.schedule(deadline: .now() + interval, repeating: interval)
        timer.setEventHandler { [self] in
            let idle = Double(DispatchTime.now().uptimeNanoseconds - lastActivity.value) / 1e9
            if idle > seconds {
                killedForTimeout.withLock { $0 = true }
                kill()
            }
        }
        timer.resume()
        watchdog = timer
    }

    /// Records progress (resets the inactivity clock).
    func touch() {
        lastActivity.withLock { $0 = DispatchTime.now().uptimeNanoseconds }
    }

    /// Writes all of `bytes` to the child's standard input; false if the child
    /// stopped reading (EPIPE).
    @discardableResult
    func writeInput(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard stdinFD >= 0 else { return false }
        var offset = 0
        while offset < bytes.count {
            let n = write(stdinFD, bytes.baseAddress! + offset, bytes.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                return false
            }
            offset += n
            touch()
        }
        return true
    }

    func closeInput() {
        if stdinFD >= 0 {
            close(stdinFD)
            stdinFD = -1
        }
    }

    /// How the child ended.
    enum Ending: Equatable {
        case exited(Int32)
        case signalled(Int32)
        case timedOut
    }

    /// Waits for the child to end (killing it after `timeout` seconds).
    func wait(timeout: Double) -> Ending {
        if exited.wait(timeout: .now() + timeout) == .timedOut {
            killedForTimeout.withLock { $0 = true }
            kill()
            exited.wait()
        }
        // Whatever the child started is of no more use.
        kill()
        watchdog?.cancel()
        // Let the standard error reader take the last words.
        _ = stderrDone.wait(timeout: .now() + 1)
        if killedForTimeout.value { return .timedOut }
        let s = status.value ?? 0
        let signal = s & 0x7F
        if signal != 0 { return .signalled(signal) }
        return .exited((s >> 8) & 0xFF)
    }

    /// The end of what the child wrote to standard error, one line.
    var stderrSummary: String {
        let text = String(decoding: stderrTail.value, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let last = text.split(separator: "\n").last else { return "" }
        return String(last.prefix(300))
    }

    /// Runs a short request: writes `input`, closes stdin, collects up to
    /// `maxOutput` bytes of standard output, and kills the child after
    /// `timeout` seconds.
    static func run(
        executable: String, arguments: [String], input: [UInt8], timeout: Double, maxOutput: Int = 1 << 20
    ) -> (ending: Ending, output: [UInt8], stderr: String) {
        let child = ChildProcess(executable: executable, arguments: arguments)
        do {
            try child.start()
        } catch {
            return (.exited(127), [], "cannot start: \(error.reason)")
        }
        let collected = Locked<[UInt8]>([])
        let readerDone = DispatchSemaphore(value: 0)
        let outFD = child.stdoutFD
        Thread.detachNewThread {
            var buf = [UInt8](repeating: 0, count: 65_536)
            while true {
                let n = buf.withUnsafeMutableBytes { read(outFD, $0.baseAddress!, 65_536) }
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { break }
                let over = collected.withLock { c -> Bool in
                    c.append(contentsOf: buf[0..<n])
                    return c.count > maxOutput
                }
                if over {
                    child.kill()
                    break
                }
            }
            readerDone.signal()
        }
        input.withUnsafeBufferPointer { _ = child.writeInput($0) }
        child.closeInput()
        let ending = child.wait(timeout: timeout)
        _ = readerDone.wait(timeout: .now() + 2)
        return (ending, collected.value, child.stderrSummary)
    }
}

/// A plugin program could not be started.
struct PluginSpawnError: Error {
    var reason: String
}

#if canImport(Glibc)
    import Glibc
#endif

/// Tunes the C allocator for a server whose requests allocate on one thread and free on another.
///
/// With glibc's defaults the heap is trimmed back to the system as soon as 128 KiB at its top are
/// free and grown again on the next burst; under load that cycle (sbrk/mprotect, consolidation)
/// showed as a tenth of the request path's time. Keeping a few MiB of slack removes it; untouched
/// slack costs no resident memory.
public enum AllocatorTuning {
    public static func apply() {
        #if canImport(Glibc)
            // mallopt is declared in <malloc.h>, which the Glibc module does not export.
            typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
            guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return }
            let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
            let trimThreshold: Int32 = -1  // M_TRIM_THRESHOLD
            let topPad: Int32 = -2  // M_TOP_PAD
            _ = mallopt(topPad, 16 << 20)
            _ = mallopt(trimThreshold, 64 << 20)
        #endif
    }

    /// Returns the free pages of every allocator arena to the system.
    ///
    /// Freed small allocations stay resident in glibc's arenas (one per thread that allocated), so
    /// after a large backlog drains the process keeps its peak size; `malloc_trim` releases the
    /// whole free pages inside the heaps too, not only at their tops. It walks the free lists, so
    /// callers use it after freeing much, not per request.
    public static func releaseFreeMemory() {
        #if canImport(Glibc)
            typealias MallocTrim = @convention(c) (Int) -> Int32
            guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") else { return }
            _ = unsafeBitCast(symbol, to: MallocTrim.self)(0)
        #endif
    }
}

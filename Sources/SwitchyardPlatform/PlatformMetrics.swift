import CoreMetrics
import Prometheus
import Synchronization

/// One value of a gauge a module reports when metrics are read (a queue's depth).
public struct MetricSample: Sendable {
    public var name: String
    public var labels: [(String, String)]
    public var value: Double

    public init(name: String, labels: [(String, String)], value: Double) {
        self.name = name
        self.labels = labels
        self.value = value
    }
}

/// The server's metrics, kept in a Prometheus registry and exposed at `GET /_switchyard/metrics`:
/// requests by service, operation and outcome with latency histograms (through swift-metrics, so
/// that any code may record into `factory`), delivery outcomes, and gauges the modules report.
public final class PlatformMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    /// A swift-metrics factory that records into `registry`.
    public let factory: PrometheusMetricsFactory

    private struct RequestKey: Hashable {
        var service: String
        var operation: String
        var outcome: String
    }

    private let requestInstruments = Mutex<[RequestKey: (CoreMetrics.Counter, CoreMetrics.Timer)]>([:])
    /// Gauges set at the last read, by name and labels, so that those no longer reported go away.
    private let reported = Mutex<[String: Prometheus.Gauge]>([:])

    public init() {
        registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        // From a millisecond to a long poll's 20 seconds.
        factory.defaultDurationHistogramBuckets = [
            .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10),
            .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
            .seconds(1), .seconds(2), .seconds(5), .seconds(10), .seconds(20),
        ]
        self.factory = factory
    }

    /// Counts one request and records how long it took. `outcome` is "success" or the error code.
    public func recordRequest(service: String, operation: String, outcome: String, duration: Duration) {
        let key = RequestKey(service: service, operation: operation, outcome: outcome)
        let (counter, timer) = requestInstruments.withLock { instruments in
            if let existing = instruments[key] { return existing }
            let dimensions = [("service", service), ("operation", operation), ("outcome", outcome)]
            let made = (
                CoreMetrics.Counter(label: "switchyard_requests_total", dimensions: dimensions, factory: factory),
                CoreMetrics.Timer(
                    label: "switchyard_request_duration_seconds", dimensions: dimensions, factory: factory)
            )
            instruments[key] = made
            return made
        }
        counter.increment()
        timer.recordNanoseconds(
            duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000)
    }

    /// Sets the gauges the modules report now, and removes those they no longer report.
    public func report(_ samples: [MetricSample]) {
        reported.withLock { gauges in
            var current: [String: Prometheus.Gauge] = [:]
            for sample in samples {
                let key = sample.name + "|" + sample.labels.map { "\($0.0)=\($0.1)" }.joined(separator: ",")
                let gauge = gauges[key] ?? registry.makeGauge(name: sample.name, labels: sample.labels)
                gauge.set(sample.value)
                current[key] = gauge
            }
            for (key, gauge) in gauges where current[key] == nil { registry.unregisterGauge(gauge) }
            gauges = current
        }
    }

    /// Everything in the Prometheus text format.
    public func text() -> [UInt8] { registry.emitToBuffer() }
}

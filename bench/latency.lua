-- wrk reporter: p50, p95 and p99 latency in milliseconds, and requests per second.
done = function(summary, latency, requests)
  io.write(string.format("LATENCY %.3f %.3f %.3f %.1f %d\n",
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, summary.requests / (summary.duration / 1e6),
    summary.errors.status))
end

/**
 * The traffic simulation (`carepool load`) and the live pool feed behind `/live`.
 *
 * Typical use: `writeReport(await runLoad({ scenario: 'ramp', config, durationS: 15, connections: 40,
 * startServer: startLoadServer, slowPath }), dir)`. The runner drives autocannon against a loopback server,
 * samples every ~250 ms (pool gauges, acquire waits, the server's own connection counts) and derives written
 * observations; everything in the report is recomputable from its raw samples with {@link summarize}.
 */
export { LIVE_INTERVAL, type LiveSnapshot, type LiveTarget, startLiveFeed } from './live-feed.js';
export { observe } from './observations.js';
export { percentiles, roundMs } from './percentiles.js';
export { localPoolSource, type PoolReading, type PoolSource } from './pool-source.js';
export { LIVE_PATH, remotePoolSource } from './remote-pool-source.js';
export { renderHtml } from './report/html.js';
export { chartToPng } from './report/png.js';
export { type Chart, reportCharts } from './report/run-charts.js';
export { defaultReportDir, type ReportFiles, writeReport } from './report/write-report.js';
export { requestMix, type SlowPathFn, type TargetPaths } from './request-mix.js';
export {
  isLoopbackUrl,
  type LoadOptions,
  type LoadResult,
  runLoad,
  type SweepPoint,
  safeUrl,
  withPoolMax,
} from './run-load.js';
export type { LoadServer, RunResult, StartLoadServer } from './run-once.js';
export { SAMPLE_INTERVAL_MS } from './sampler.js';
export {
  EXHAUST_FACTOR,
  offeredAt,
  type ScenarioParams,
  SWEEP_POOL_SIZES,
  scenarioPhases,
} from './scenarios.js';
export { openServerMonitor, type ServerMonitor } from './server-monitor.js';
export {
  clientErrors,
  failedResponses,
  isClientError,
  type LoadSummary,
  summarize,
  type TargetSummary,
} from './summarize.js';
export { summaryRows } from './text-summary.js';
export type { TrafficTotals } from './traffic.js';
export * from './types.js';
export { WaitRecorder, type WaitWindow } from './wait-recorder.js';

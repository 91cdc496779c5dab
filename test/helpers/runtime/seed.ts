/**
 * The seed pipeline (autoscale.tick, SPEC 1.6) built by hand, with the k8sAutoscale node replaced by
 * httpOut('out') so results can be read back (tests, bench/pipeline.ts).
 */
import type { Pipeline } from '../../../tickscript/pipeline.ts';
import { PipelineBuilder, dur } from './pipeline-builder.ts';

export function seedPipeline(movingAvgCount = 60, measurement = 'requests'): Pipeline {
  const b = new PipelineBuilder();
  b.stream()
    .chain('from').prop('measurement', measurement).prop('groupBy', 'host', 'replicaset').prop('truncate', dur(1_000_000_000n))
    .chain('derivative', 'value').prop('as', 'requests_per_second').prop('unit', dur(1_000_000_000n)).prop('nonNegative')
    .chain('groupBy', 'replicaset')
    .chain('sum', 'requests_per_second').prop('as', 'total_requests_per_second')
    .chain('movingAverage', 'total_requests_per_second', BigInt(movingAvgCount)).prop('as', 'avg_requests_per_second')
    .chain('httpOut', 'out');
  return b.build();
}

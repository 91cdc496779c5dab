/**
 * The seed tutorial's pipeline (SPEC 1.6) up to the per-workload total, written out as TICKscript for tests that
 * run it end to end and append their own tail (httpOut, movingAverage, k8sAutoscale).
 */
export const TUTORIAL_TOTALS = `stream
    |from()
        .measurement('requests')
        .groupBy('host', 'replicaset')
        .truncate(1s)
    |derivative('value')
        .as('requests_per_second')
        .unit(1s)
        .nonNegative()
    |groupBy('replicaset')
    |sum('requests_per_second')
        .as('total_requests_per_second')
`;

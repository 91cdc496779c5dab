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

/** The seed's autoscale.tick written independently (SPEC 1.6): the tutorial's vars, totals, moving average, k8sAutoscale. */
export const TUTORIAL_AUTOSCALE_SCRIPT = `
var target = 100.0
var increase_cooldown = 1m
var decrease_cooldown = 2m
var moving_avg_count = 60
${TUTORIAL_TOTALS}    |movingAverage('total_requests_per_second', moving_avg_count)
        .as('avg_requests_per_second')
    |k8sAutoscale()
        .kind('replicasets')
        .resourceNameTag('replicaset')
        .increaseCooldown(increase_cooldown)
        .decreaseCooldown(decrease_cooldown)
        .replicas(lambda: int(ceil("avg_requests_per_second" / target)))
`;

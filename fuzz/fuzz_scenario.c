/* fuzz_scenario.c - scenario files (gsomia sim): the reader, and for what
 * it accepts the true flight of the first missile (which must end, on the
 * ground or refused). Only its first spent stage is flown on: a lofted
 * ICBM with every stage takes a second in this build, and a loaded
 * machine must not turn that into a timeout. */
#include <stddef.h>
#include <stdint.h>

#include "sim/rng.h"
#include "sim/scenario.h"
#include "sim/truth.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct gs_scenario sc;
    struct gs_diag d;

    gs_diag_init(&d);
    if (gs_scenario_parse((const char *)data, size, "fuzz", &sc, &d) == 0) {
        struct gs_truth t;
        struct gs_rng rng;

        int k;

        sc.n_missiles = 1;
        for (k = 1; k < sc.missiles[0].n_stages; k++)
            sc.missiles[0].stages[k].spent_beta = 0;
        gs_rng_seed(&rng, sc.seed);
        (void)gs_truth_fly(&sc, &rng, &t);
        gs_truth_free(&t);
    }
    gs_scenario_free(&sc);
    gs_diag_free(&d);
    return 0;
}

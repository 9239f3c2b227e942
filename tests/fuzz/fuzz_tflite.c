/* fuzz_tflite.c — libFuzzer target for the TFLite reader and executor: any byte string is loaded with
 * fc_nn_load_buffer; when it loads (and is small enough to run quickly), the graph is run on zeros.
 * Build and run: make fuzz (FUZZ_SECONDS=60 by default; corpus seeded with the four real models). */
#include "facecluster/nn.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int init;
    if (!init) {
        fc_nn_set_threads(1);
        fc_nn_set_memory_limit((size_t)64 << 20);
        init = 1;
    }
    fc_nn_model *m = NULL;
    if (fc_nn_load_buffer(data, size, "fuzz", &m) != 0) {
        if (!fc_last_error()[0])
            __builtin_trap(); /* every failure must say why */
        return 0;
    }
    fc_nn_stats st;
    if (fc_nn_stats_get(m, &st) == 0 && st.macs < 2e7 && st.arena_bytes < ((size_t)16 << 20)) {
        for (int i = 0; i < fc_nn_num_inputs(m); i++) {
            fc_nn_tensor_info info;
            float *x = fc_nn_input_data(m, i);
            if (x && fc_nn_input_info(m, i, &info) == 0)
                memset(x, 0, info.count * sizeof(float));
        }
        fc_nn_run(m);
        for (int i = 0; i < fc_nn_num_outputs(m); i++) {
            fc_nn_tensor_info info;
            const float *y = fc_nn_output(m, i);
            volatile float sink = 0;
            if (y && fc_nn_input_info(m, 0, &info) == 0 && fc_nn_output_info(m, i, &info) == 0)
                for (size_t k = 0; k < info.count; k++)
                    sink += y[k];
        }
        /* a second shape exercises re-planning */
        if (fc_nn_resize_input(m, 0, 2, 0, 0, 0) == 0 && fc_nn_stats_get(m, &st) == 0 &&
            st.arena_bytes < ((size_t)16 << 20) && st.macs < 2e7)
            fc_nn_run(m);
    }
    fc_nn_free(m);
    return 0;
}

# facecluster build. Sources are found by wildcard so that adding a module needs no edit here.
#   make          library + program (build/libfacecluster.a, build/facecluster)
#   make test     every test (tests/run_tests.sh); prints "N passed, N failed"
#   make bench    the benchmarks (bench/run_bench.sh)
#   make asan     the same tests built with AddressSanitizer + UBSan into build-asan/
CC      ?= cc
BUILD   ?= build
OPT     ?= -O2 -march=native
CFLAGS  ?= $(OPT) -g
PKGS    := vips sqlite3 cairo
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
ALL_CFLAGS := -std=c11 -D_GNU_SOURCE -fno-math-errno -Wall -Wextra -Wno-unused-parameter -fopenmp -Iinclude -Isrc \
              -I/usr/include/x86_64-linux-gnu/openblas-pthread $(PKG_CFLAGS) $(CFLAGS)
LDLIBS  := $(PKG_LIBS) -lopenblas -llapacke -larpack -lm -lpthread -fopenmp

LIB_SRC  := $(shell find src -name '*.c' -not -path 'src/cli/*' | sort)
CLI_SRC  := $(shell find src/cli -name '*.c' | sort)
TEST_SRC := $(sort $(wildcard tests/unit/test_*.c))
BENCH_SRC:= $(sort $(wildcard bench/*.c))

LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o)
CLI_OBJ  := $(CLI_SRC:%.c=$(BUILD)/%.o)
TEST_BIN := $(TEST_SRC:tests/unit/%.c=$(BUILD)/tests/%)
BENCH_BIN:= $(BENCH_SRC:bench/%.c=$(BUILD)/bench/%)

.PHONY: all test bench asan clean demo
all: $(BUILD)/libfacecluster.a $(BUILD)/facecluster $(TEST_BIN) $(BENCH_BIN)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/libfacecluster.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/facecluster: $(CLI_OBJ) $(BUILD)/libfacecluster.a
	$(CC) $(ALL_CFLAGS) -o $@ $(CLI_OBJ) $(BUILD)/libfacecluster.a $(LDLIBS)

$(BUILD)/tests/%: tests/unit/%.c tests/harness.h $(BUILD)/libfacecluster.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Itests -o $@ $< $(BUILD)/libfacecluster.a $(LDLIBS)

$(BUILD)/bench/%: bench/%.c $(BUILD)/libfacecluster.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(BUILD)/libfacecluster.a $(LDLIBS)

test: all
	BUILD=$(BUILD) bash tests/run_tests.sh

bench: all
	BUILD=$(BUILD) bash bench/run_bench.sh

demo: all
	bash scripts/demo.sh

asan:
	$(MAKE) BUILD=build-asan OPT="-O1 -fno-omit-frame-pointer -fsanitize=address,undefined" test

clean:
	rm -rf build build-asan build-fuzz

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d)

# Fuzzing the model reader (clang + libFuzzer + ASan/UBSan). FUZZ_SECONDS bounds the run; the corpus
# starts from the real models (models/) and lives in build-fuzz/corpus.
FUZZ_SECONDS ?= 60
FUZZ_CFLAGS := -std=c11 -D_GNU_SOURCE -g -O1 -fno-omit-frame-pointer -fopenmp -Iinclude -Isrc \
               -I/usr/include/x86_64-linux-gnu/openblas-pthread -fsanitize=fuzzer,address,undefined
NN_SRC := $(wildcard src/nn/*.c) src/core/error.c src/core/matrix.c
.PHONY: fuzz
build-fuzz/fuzz_tflite: tests/fuzz/fuzz_tflite.c $(NN_SRC) $(wildcard src/nn/*.h) include/facecluster/nn.h
	@mkdir -p build-fuzz
	clang $(FUZZ_CFLAGS) -o $@ tests/fuzz/fuzz_tflite.c $(NN_SRC) -lopenblas -lm -lpthread
fuzz: build-fuzz/fuzz_tflite
	@mkdir -p build-fuzz/corpus
	@for f in models/*.tflite; do [ -f "$$f" ] && [ $$(stat -c %s "$$f") -lt 500000 ] && cp -n "$$f" build-fuzz/corpus/ || true; done
	ASAN_OPTIONS=allocator_may_return_null=1 build-fuzz/fuzz_tflite -max_total_time=$(FUZZ_SECONDS) \
	    -max_len=450000 -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 build-fuzz/corpus

// The hand-written HDL/ sources the backend writes next to a design, embedded so the tool
// works wherever it is installed. A test checks that they equal the files in HDL/.

enum HDLSources {
    /// `HDL/verilator_harness.cpp`.
    static let verilatorHarness = #"""
// trigc Verilator harness: drives a generated design's input stream from a binary file of
// raw codes and records every output beat, with the cycle of every handshake.
//
// Usage: sim INPUTS.bin BEATS EVENTS OUTPUTS.bin INPUT_CYCLES.bin GAPS SEED
//   INPUTS.bin   BEATS records of 1 + TRIGC_IN_WORDS little-endian uint64: flags (bit 0: in_last,
//                for designs with a sequence input), then the packed in_data bus
//   OUTPUTS.bin  one record per output beat: uint64 cycle, then TRIGC_OUT_WORDS uint64 (out_data);
//                the run ends after EVENTS output beats
//   INPUT_CYCLES.bin  uint64 cycle of each input handshake
//   GAPS 0: in_valid whenever an event is left and out_ready always high (full rate);
//        1: random gaps on both (in_valid, once raised, stays up until accepted).
// The design-specific names and widths come from trigc_design.h, written by trigc.
#include "trigc_design.h"
#include TRIGC_TOP_HEADER
#include "verilated.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <vector>

// Bus access for every Verilator port type: scalars up to 64 bits, VlWide above.
template <typename T> static void set_bus(T& port, const uint64_t* words) { port = static_cast<T>(words[0]); }
template <std::size_t N> static void set_bus(VlWide<N>& port, const uint64_t* words) {
    for (std::size_t i = 0; i < N; ++i) port[i] = static_cast<uint32_t>(words[i / 2] >> (32 * (i % 2)));
}
template <typename T> static void get_bus(const T& port, uint64_t* words) { words[0] = static_cast<uint64_t>(port); }
template <std::size_t N> static void get_bus(const VlWide<N>& port, uint64_t* words) {
    for (std::size_t i = 0; i < (N + 1) / 2; ++i) words[i] = 0;
    for (std::size_t i = 0; i < N; ++i) words[i / 2] |= static_cast<uint64_t>(port[i]) << (32 * (i % 2));
}

int main(int argc, char** argv) {
    if (argc != 8) {
        std::fprintf(stderr, "usage: %s INPUTS.bin BEATS EVENTS OUTPUTS.bin INPUT_CYCLES.bin GAPS SEED\n", argv[0]);
        return 1;
    }
    const uint64_t beats = std::strtoull(argv[2], nullptr, 10);
    const uint64_t events = std::strtoull(argv[3], nullptr, 10);
    const bool gaps = std::atoi(argv[6]) != 0;
    std::mt19937_64 rng(std::strtoull(argv[7], nullptr, 10));
    const uint64_t stride = 1 + TRIGC_IN_WORDS;
    std::vector<uint64_t> inputs(beats * stride);
    FILE* in = std::fopen(argv[1], "rb");
    if (!in || std::fread(inputs.data(), sizeof(uint64_t), inputs.size(), in) != inputs.size()) {
        std::fprintf(stderr, "cannot read %llu beats from %s\n", (unsigned long long)beats, argv[1]);
        return 1;
    }
    std::fclose(in);
    FILE* out = std::fopen(argv[4], "wb");
    FILE* cycles = std::fopen(argv[5], "wb");
    if (!out || !cycles) {
        std::fprintf(stderr, "cannot write the output files\n");
        return 1;
    }

    VerilatedContext context;
    TRIGC_TOP top{&context};
    top.rst = 1;
    top.in_valid = 0;
    top.out_ready = 0;
    for (int i = 0; i < 4; ++i) {
        top.clk = 0;
        top.eval();
        top.clk = 1;
        top.eval();
    }
    top.rst = 0;

    uint64_t cycle = 0, next = 0, done = 0;
    const uint64_t limit = 1000 + beats * (gaps ? 64 : 4) * TRIGC_REUSE + 4 * TRIGC_LATENCY;
    bool valid = false;
    uint64_t word[TRIGC_OUT_WORDS + 1];
    while (done < events && cycle < limit) {
        if (!valid && next < beats) valid = !gaps || rng() % 4 != 0;
        top.in_valid = valid;
        if (valid) {
            set_bus(top.in_data, &inputs[next * stride + 1]);
#ifdef TRIGC_HAS_LAST
            top.in_last = inputs[next * stride] & 1;
#endif
        }
        const bool ready = !gaps || rng() % 4 != 0;
        top.out_ready = ready;
        top.clk = 0;
        top.eval();
        if (top.out_valid && ready) {
            word[0] = cycle;
            get_bus(top.out_data, word + 1);
            std::fwrite(word, sizeof(uint64_t), TRIGC_OUT_WORDS + 1, out);
            ++done;
        }
        if (valid && top.in_ready) {
            std::fwrite(&cycle, sizeof(uint64_t), 1, cycles);
            ++next;
            valid = false;
        }
        top.clk = 1;
        top.eval();
        ++cycle;
    }
    top.final();
    std::fclose(out);
    std::fclose(cycles);
    if (done < events) {
        std::fprintf(stderr, "only %llu of %llu events came out within %llu cycles\n", (unsigned long long)done,
                     (unsigned long long)events, (unsigned long long)limit);
        return 2;
    }
    return 0;
}
"""#
}

// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "trigc",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "trigc", targets: ["trigc"]),
        .executable(name: "trigc-bench", targets: ["TrigcBench"]),
        .executable(name: "trigc-fuzz", targets: ["TrigcFuzz"]),
        .executable(name: "trigc-serve", targets: ["TrigcServe"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/attaswift/BigInt", from: "6.0.1"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
        // Serving only (trigc-serve): the rest of trigc builds without them.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/grpc/grpc-swift-2", from: "2.4.3"),
        .package(url: "https://github.com/grpc/grpc-swift-nio-transport", from: "2.9.2"),
        .package(url: "https://github.com/grpc/grpc-swift-protobuf", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
    ],
    targets: [
        // System libraries (apt: libopenblas-dev, libhdf5-dev, ocl-icd-opencl-dev).
        .systemLibrary(name: "CBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CHDF5", pkgConfig: "hdf5", providers: [.apt(["libhdf5-dev"])]),
        .systemLibrary(name: "COpenCL", pkgConfig: "OpenCL", providers: [.apt(["ocl-icd-opencl-dev"])]),
        .systemLibrary(name: "CMPI", pkgConfig: "ompi-c", providers: [.apt(["libopenmpi-dev"])]),

        // Child tools under a supervisor that kills their process group when trigc dies.
        .target(name: "CProcess"),
        .target(name: "ToolProcess", dependencies: ["CProcess"]),

        .target(name: "FixedPoint"),
        // The float formulas (activations, softmax) and SplitMix64 that every backend shares.
        .target(name: "ScalarMath"),
        .target(name: "GraphIR", dependencies: ["FixedPoint", "ScalarMath"]),
        .target(name: "Passes", dependencies: ["GraphIR", "FixedPoint"]),
        // The interpreter's fixed-point and float lane kernels (C, vectorized: AVX2 where the CPU has it).
        .target(name: "CKernels"),
        .target(name: "Interpreter", dependencies: ["GraphIR", "FixedPoint", "ScalarMath", "CKernels"]),
        .target(
            name: "ModelIO",
            dependencies: ["GraphIR", "CHDF5", .product(name: "ZIPFoundation", package: "ZIPFoundation")]),
        .target(name: "Training", dependencies: ["GraphIR", "ScalarMath", "CBLAS", "ToolProcess"]),
        // Event files (Docs/Data.md): the HDF5 schema of Training's datasets.
        .target(name: "EventIO", dependencies: ["ModelIO", "Training"]),
        .target(name: "VerilogBackend", dependencies: ["GraphIR", "FixedPoint", "ToolProcess"]),
        // Calibrated ranges and the search for per-value formats (trigc quantize --calibrate).
        .target(name: "Calibration", dependencies: ["GraphIR", "FixedPoint", "Passes", "Interpreter", "Training"]),
        // Quantization-aware training in the interpreter's exact fixed-point arithmetic (trigc train --qat).
        .target(name: "QAT", dependencies: ["GraphIR", "FixedPoint", "Passes", "Interpreter", "Training"]),
        .target(name: "OpenCLRuntime", dependencies: ["COpenCL"]),
        // Data-parallel training over MPI (Docs/Distributed.md): Training's Collective on Open MPI.
        .target(name: "Distributed", dependencies: ["CMPI", "Training"]),
        // Kernels/*.cl are embedded (KernelSources.swift, checked against the files by a test).
        .target(name: "OpenCLBackend", dependencies: ["OpenCLRuntime", "GraphIR", "Training"]),
        // Serving (Docs/Serving.md): the model repository, backends, dynamic batching and the
        // KServe v2 REST codec, without any server package; the servers live in TrigcServe.
        .target(
            name: "Serving",
            dependencies: [
                "FixedPoint", "GraphIR", "Passes", "Interpreter", "ModelIO", "VerilogBackend", "Training", "OpenCLBackend",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        // The KServe v2 gRPC service: code generated from Proto/ (Tools/serving/generate-proto.sh), committed.
        .target(
            name: "ServingGRPC",
            dependencies: [
                "Serving",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            exclude: ["Proto"]),
        // `trigc serve` runs this executable: HTTP (Hummingbird), gRPC and Prometheus metrics.
        .executableTarget(
            name: "TrigcServe",
            dependencies: [
                "GraphIR", "Serving", "ServingGRPC", "ModelIO",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]),
        .executableTarget(
            name: "trigc",
            dependencies: [
                "FixedPoint", "GraphIR", "Passes", "Interpreter", "Calibration", "QAT", "ModelIO", "EventIO", "VerilogBackend", "Training", "OpenCLBackend",
                "OpenCLRuntime", "ToolProcess", "Serving", "Distributed",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        // Deterministic mutation fuzzing of every reader of untrusted files (make fuzz).
        .executableTarget(
            name: "TrigcFuzz",
            dependencies: ["GraphIR", "Passes", "Interpreter", "ModelIO", "EventIO"],
            path: "Fuzz/TrigcFuzz"),
        .executableTarget(
            name: "TrigcBench",
            dependencies: ["FixedPoint", "GraphIR", "Passes", "Interpreter", "OpenCLBackend", "OpenCLRuntime", "Training", "VerilogBackend"],
            path: "Benchmarks/TrigcBench"),

        .testTarget(name: "FixedPointTests", dependencies: ["FixedPoint", "BigInt"]),
        .testTarget(name: "GraphIRTests", dependencies: ["GraphIR", "FixedPoint"]),
        .testTarget(name: "PassesTests", dependencies: ["Passes", "GraphIR", "FixedPoint"]),
        .testTarget(name: "InterpreterTests", dependencies: ["Interpreter", "Passes", "GraphIR", "FixedPoint"]),
        // Keras import tests run imported models in the float interpreter.
        .testTarget(
            name: "ModelIOTests", dependencies: ["ModelIO", "GraphIR", "Passes", "Interpreter"],
            resources: [.copy("Fixtures")]),
        .testTarget(
            name: "VerilogBackendTests",
            dependencies: ["VerilogBackend", "Interpreter", "Passes", "GraphIR", "FixedPoint"],
            exclude: ["Golden"]),
        .testTarget(name: "TrainingTests", dependencies: ["Training", "Interpreter", "Passes", "GraphIR"]),
        .testTarget(name: "QATTests", dependencies: ["QAT", "Training", "Interpreter", "Passes", "GraphIR", "FixedPoint"]),
        .testTarget(name: "EventIOTests", dependencies: ["EventIO", "ModelIO", "Training"]),
        .testTarget(name: "CalibrationTests", dependencies: ["Calibration", "Interpreter", "Passes", "GraphIR", "FixedPoint"]),
        .testTarget(name: "ServingTests", dependencies: ["Serving", "Interpreter", "GraphIR", "Passes", "ModelIO", "FixedPoint"]),
        .testTarget(name: "OpenCLTests", dependencies: ["OpenCLBackend", "OpenCLRuntime", "Training", "GraphIR", "QAT", "Passes", "FixedPoint"]),
        // Runs the built `trigc` binary as a user would.
        .testTarget(name: "CLITests", dependencies: ["GraphIR", "ModelIO", "ToolProcess", "trigc"]),
    ]
)

#!/usr/bin/env bash
# Regenerates Sources/ServingGRPC/Generated/ from Sources/ServingGRPC/Proto/grpc_service.proto.
# The output is committed; run this only after changing the .proto.
# Needs protoc (apt: protobuf-compiler) and the two Swift plugins, built from the package
# versions Package.swift names:
#   swift build --product protoc-gen-swift          (in a package depending on apple/swift-protobuf)
#   swift build --product protoc-gen-grpc-swift-2   (in a package depending on grpc/grpc-swift-protobuf)
# Usage: Tools/serving/generate-proto.sh PLUGIN_DIR   (the folder holding both plugins)
set -euo pipefail
PLUGINS="${1:?usage: $0 PLUGIN_DIR}"
cd "$(dirname "$0")/../.."
OUT=Sources/ServingGRPC/Generated
mkdir -p "$OUT"
protoc --proto_path=Sources/ServingGRPC/Proto \
  --plugin=protoc-gen-swift="$PLUGINS/protoc-gen-swift" \
  --plugin=protoc-gen-grpc-swift="$PLUGINS/protoc-gen-grpc-swift-2" \
  --swift_opt=Visibility=Public --swift_out="$OUT" \
  --grpc-swift_opt=Visibility=Public,Client=false,Server=true --grpc-swift_out="$OUT" \
  grpc_service.proto
echo "wrote $OUT: $(ls "$OUT" | tr '\n' ' ')"

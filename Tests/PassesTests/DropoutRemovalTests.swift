import GraphIR
import Passes
import Testing

@Suite("Dropout removal")
struct DropoutRemovalTests {
    @Test("readers of a dropout read its input instead")
    func rewiresReaders() throws {
        var before = GraphBuilder()
        var x = before.input("x", [4])
        before.add("drop", .dropout(rate: 0.5), [x], shape: [4])
        before.add("d", dense(4, 2), ["drop"], shape: [2])
        before.add("c", .concatenate(axis: 0), ["drop", "d"], shape: [6])

        var after = GraphBuilder()
        x = after.input("x", [4])
        after.add("d", dense(4, 2), [x], shape: [2])
        after.add("c", .concatenate(axis: 0), [x, "d"], shape: [6])

        #expect(try DropoutRemoval().run(before.graph(["c"])) == after.graph(["c"]))
    }

    @Test("a dropout output, and chains of dropouts")
    func rewiresOutputs() throws {
        var before = GraphBuilder()
        var x = before.input("x", [4])
        before.add("d", dense(4, 2), [x], shape: [2])
        before.add("drop1", .dropout(rate: 0.5), ["d"], shape: [2])
        before.add("drop2", .dropout(rate: 0.1), ["drop1"], shape: [2])

        var after = GraphBuilder()
        x = after.input("x", [4])
        after.add("d", dense(4, 2), [x], shape: [2])

        #expect(try DropoutRemoval().run(before.graph(["drop2"])) == after.graph(["d"]))
    }

    @Test("the inclusive network loses both dropouts")
    func inclusive() throws {
        let graph = try DropoutRemoval().run(.inclusive(timeSteps: 4, features: 3, units: 2, hlfFeatures: 2))
        #expect(!graph.nodes.contains { $0.op.keyword == "dropout" })
        #expect(graph["concatenate"]?.inputs == ["gru", "hlf_input"])
        #expect(throws: Never.self) { try graph.verify() }
    }
}

import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Binds each port once before the models load, so that a busy port or an address this
/// machine does not have is one sentence naming the option, not a socket error after a long
/// load.
enum PortCheck {
    static func check(host: String, ports: [(option: String, port: Int)]) throws(Failure) {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_PASSIVE
        var found: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &found) == 0, let info = found else {
            throw Failure(message: "--host \(host): no such address on this machine (give an IP address or a name that resolves, e.g. 127.0.0.1 or 0.0.0.0).")
        }
        defer { freeaddrinfo(info) }
        for (option, port) in ports {
            let descriptor = socket(info.pointee.ai_family, Int32(SOCK_STREAM.rawValue), 0)
            guard descriptor >= 0 else { continue }
            defer { close(descriptor) }
            var one: Int32 = 1
            setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
            var address = sockaddr_storage()
            withUnsafeMutableBytes(of: &address) { raw in
                raw.copyMemory(from: UnsafeRawBufferPointer(start: info.pointee.ai_addr, count: Int(info.pointee.ai_addrlen)))
            }
            let networkPort = UInt16(port).bigEndian
            if info.pointee.ai_family == AF_INET6 {
                withUnsafeMutableBytes(of: &address) { $0.storeBytes(of: networkPort, toByteOffset: 2, as: UInt16.self) }
            } else {
                withUnsafeMutableBytes(of: &address) { $0.storeBytes(of: networkPort, toByteOffset: 2, as: UInt16.self) }
            }
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, info.pointee.ai_addrlen) }
            }
            if bound != 0 {
                let reason = String(cString: strerror(errno))
                throw Failure(message: "\(option) \(port): cannot listen on \(host):\(port) (\(reason.lowercased())).")
            }
        }
    }
}

import CCurl
import Foundation
import Engine
import Plan

/// HTTP over libcurl to one engine endpoint. Keeps a pool of easy handles so that each worker
/// thread reuses a kept-alive connection; thread-safe.
final class CurlTransport: EngineTransport, @unchecked Sendable {
    let endpoint: DockerEndpoint
    private let lock = NSLock()
    private var idle: [UnsafeMutableRawPointer] = []
    private let baseURL: String

    private static let globalInit: Void = { curl_global_init(Int(CURL_GLOBAL_ALL)) }()

    init(endpoint: DockerEndpoint) {
        _ = Self.globalInit
        self.endpoint = endpoint
        switch endpoint.transport {
        case .unixSocket: baseURL = "http://localhost"
        case let .tcp(url, _): baseURL = url
        }
    }

    deinit {
        for h in idle { curl_easy_cleanup(h) }
    }

    /// Sends a request; `body` is JSON. Throws `unreachable` when no answer came at all.
    func send(_ method: String, _ path: String, body: String? = nil, timeout: Int = 300) throws -> HTTPResponse {
        let handle = checkout()
        defer { checkin(handle) }
        let sink = ResponseSink()
        var headers: UnsafeMutablePointer<curl_slist>?
        defer { curl_slist_free_all(headers) }

        rangectl_curl_set_string(handle, CURLOPT_URL, baseURL + path)
        rangectl_curl_set_string(handle, CURLOPT_CUSTOMREQUEST, method)
        rangectl_curl_set_long(handle, CURLOPT_NOSIGNAL, 1)
        rangectl_curl_set_long(handle, CURLOPT_CONNECTTIMEOUT, 10)
        rangectl_curl_set_long(handle, CURLOPT_TIMEOUT, timeout)
        switch endpoint.transport {
        case let .unixSocket(path):
            rangectl_curl_set_string(handle, CURLOPT_UNIX_SOCKET_PATH, path)
        case let .tcp(_, tls):
            if let tls {
                if let ca = tls.ca { rangectl_curl_set_string(handle, CURLOPT_CAINFO, ca) }
                if let cert = tls.cert { rangectl_curl_set_string(handle, CURLOPT_SSLCERT, cert) }
                if let key = tls.key { rangectl_curl_set_string(handle, CURLOPT_SSLKEY, key) }
                rangectl_curl_set_long(handle, CURLOPT_SSL_VERIFYPEER, tls.verify ? 1 : 0)
                rangectl_curl_set_long(handle, CURLOPT_SSL_VERIFYHOST, tls.verify ? 2 : 0)
            }
        }
        // Every POST carries JSON (the engine answers 400 without the content type).
        headers = curl_slist_append(headers, "Content-Type: application/json")
        headers = curl_slist_append(headers, "Expect:")
        rangectl_curl_set_pointer(handle, CURLOPT_HTTPHEADER, headers)
        let payload = body ?? (method == "POST" ? "" : nil)
        if let payload {
            rangectl_curl_set_long(handle, CURLOPT_POSTFIELDSIZE, payload.utf8.count)
            rangectl_curl_set_string(handle, CURLOPT_COPYPOSTFIELDS, payload)
        } else {
            rangectl_curl_set_long(handle, CURLOPT_HTTPGET, 1)
            rangectl_curl_set_string(handle, CURLOPT_CUSTOMREQUEST, method)
        }
        rangectl_curl_set_write_function(handle, CURLOPT_WRITEFUNCTION) { data, size, count, context in
            let sink = Unmanaged<ResponseSink>.fromOpaque(context!).takeUnretainedValue()
            sink.data.append(UnsafeRawPointer(data!).assumingMemoryBound(to: UInt8.self), count: size * count)
            return size * count
        }
        let context = Unmanaged.passRetained(sink)
        defer { context.release() }
        rangectl_curl_set_pointer(handle, CURLOPT_WRITEDATA, context.toOpaque())
        // One call per header line ("Name: value\r\n"), the status line and the blank one included.
        rangectl_curl_set_write_function(handle, CURLOPT_HEADERFUNCTION) { data, size, count, context in
            let sink = Unmanaged<ResponseSink>.fromOpaque(context!).takeUnretainedValue()
            let line = String(decoding: UnsafeRawBufferPointer(start: data, count: size * count), as: UTF8.self)
            if let colon = line.firstIndex(of: ":") {
                let name = line[..<colon].lowercased()
                sink.headers[name] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespacesAndNewlines)
            }
            return size * count
        }
        rangectl_curl_set_pointer(handle, CURLOPT_HEADERDATA, context.toOpaque())

        let code = curl_easy_perform(handle)
        guard code == CURLE_OK else {
            throw EngineError.unreachable(endpoint: endpoint.text, reason: String(cString: curl_easy_strerror(code)))
        }
        var status = 0
        rangectl_curl_get_long(handle, CURLINFO_RESPONSE_CODE, &status)
        return HTTPResponse(status: status, body: sink.data, headers: sink.headers)
    }

    private func checkout() -> UnsafeMutableRawPointer {
        lock.lock()
        let h = idle.popLast()
        lock.unlock()
        if let h {
            curl_easy_reset(h) // keeps the connection cache, clears the options
            return h
        }
        return curl_easy_init()
    }

    private func checkin(_ h: UnsafeMutableRawPointer) {
        lock.lock()
        idle.append(h)
        lock.unlock()
    }
}

/// Collects a response body; passed to curl's write callback as its context.
private final class ResponseSink {
    var data = Data()
    var headers: [String: String] = [:]
}

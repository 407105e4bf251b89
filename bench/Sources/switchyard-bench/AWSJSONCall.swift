import ArgumentParser
import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

extension SwitchyardBench {
    /// One awsJson 1.1 call (setup and read loops of the scenarios), signed with a placeholder signature.
    func awsJSON(_ host: String, _ port: Int, target: String, signingName: String, _ json: [String: Any]) throws
        -> [String: Any]
    {
        guard let url = URL(string: "http://\(host):\(port)/") else { return [:] }
        var request = URLRequest(url: url, timeoutInterval: 120)
        request.httpMethod = "POST"
        request.setValue("application/x-amz-json-1.1", forHTTPHeaderField: "Content-Type")
        request.setValue(target, forHTTPHeaderField: "X-Amz-Target")
        request.setValue("20261124T000000Z", forHTTPHeaderField: "X-Amz-Date")
        request.setValue(
            "AWS4-HMAC-SHA256 Credential=test/20261124/us-east-1/\(signingName)/aws4_request, SignedHeaders=host, Signature=00",
            forHTTPHeaderField: "Authorization")
        request.httpBody = try JSONSerialization.data(withJSONObject: json)
        return try perform(request, label: target)
    }

    /// Sends a setup request and waits for its answer, a JSON object; `label` names the request in
    /// the error an answer of 300 or more throws.
    func perform(_ request: URLRequest, label: String) throws -> [String: Any] {
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var result: [String: Any] = [:]
        nonisolated(unsafe) var failure: Error?
        URLSession.shared.dataTask(with: request) { data, response, error in
            if let error { failure = error }
            if let status = (response as? HTTPURLResponse)?.statusCode, status >= 300 {
                failure = ValidationError(
                    "\(label) answered \(status): \(String(decoding: data ?? Data(), as: UTF8.self))")
            }
            result = (data.flatMap { try? JSONSerialization.jsonObject(with: $0) } as? [String: Any]) ?? [:]
            done.signal()
        }.resume()
        done.wait()
        if let failure { throw failure }
        return result
    }
}

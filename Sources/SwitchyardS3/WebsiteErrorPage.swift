import Foundation
import SwitchyardWire

/// The HTML page a website endpoint answers an error with, laid out as S3 lays it out: a title of
/// the status, the error's code, message and detail elements in a list, and, when the bucket's own
/// error document could not be read either, a second list saying why.
enum WebsiteErrorPage {
    static func response(_ error: AWSError, requestId: String, errorDocumentFailure: AWSError? = nil)
        -> WireResponse
    {
        let title = "\(error.httpStatus) \(reason(error.httpStatus))"
        var html = "<html>\n<head><title>\(title)</title></head>\n<body>\n<h1>\(title)</h1>\n<ul>\n"
        html += items(error)
        html += "<li>RequestId: \(requestId)</li>\n<li>HostId: \(S3Module.hostId(requestId))</li>\n</ul>\n"
        if let failure = errorDocumentFailure {
            html += "<h3>An Error Occurred While Attempting to Retrieve a Custom Error Document</h3>\n<ul>\n"
            html += items(failure) + "</ul>\n"
        }
        html += "<hr/>\n</body>\n</html>\n"
        var headers: [(String, String)] = [
            ("Content-Type", "text/html; charset=utf-8"), ("x-amz-error-code", error.code),
        ]
        if let message = error.message { headers.append(("x-amz-error-message", message)) }
        for detail in error.details { headers.append(("x-amz-error-detail-\(detail.name)", detail.value)) }
        headers.append(("x-amzn-RequestId", requestId))
        var response = WireResponse(status: error.httpStatus, headers: headers, body: Array(html.utf8))
        S3Module.finish("", &response)
        return response
    }

    private static func items(_ error: AWSError) -> String {
        var lines = "<li>Code: \(escaped(error.code))</li>\n"
        if let message = error.message { lines += "<li>Message: \(escaped(message))</li>\n" }
        for detail in error.details { lines += "<li>\(detail.name): \(escaped(detail.value))</li>\n" }
        return lines
    }

    private static func reason(_ status: Int) -> String {
        switch status {
        case 400: "Bad Request"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 412: "Precondition Failed"
        case 416: "Requested Range Not Satisfiable"
        default: "Internal Server Error"
        }
    }

    private static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }
}

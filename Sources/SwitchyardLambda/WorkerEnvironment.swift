import Foundation
import SwitchyardPlatform
import SwitchyardWire

/// The environment Lambda gives a function's process, as AWS documents it ("Defined runtime
/// environment variables"), plus `AWS_ENDPOINT_URL` so that the function's own SDK calls reach
/// Switchyard, and the function's own variables.
enum WorkerEnvironment {
    static func variables(
        function: FunctionRecord, version: FunctionVersionRecord, taskRoot: String, endpointURL: String,
        credential: IssuedCredential
    ) -> [String: String] {
        var variables = version.environment ?? [:]
        let logGroup = version.logGroup ?? "/aws/lambda/\(function.name)"
        let inherited = ProcessInfo.processInfo.environment
        let reserved: [String: String] = [
            "AWS_LAMBDA_FUNCTION_NAME": function.name,
            "AWS_LAMBDA_FUNCTION_VERSION": version.version,
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": String(version.memorySize),
            "AWS_LAMBDA_LOG_GROUP_NAME": logGroup,
            "AWS_LAMBDA_LOG_STREAM_NAME": logStreamName(version: version.version),
            "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand",
            "AWS_REGION": function.region,
            "AWS_DEFAULT_REGION": function.region,
            "AWS_EXECUTION_ENV": "AWS_Lambda_\(version.runtime ?? "provided")",
            "_HANDLER": version.handler ?? "",
            "LAMBDA_TASK_ROOT": taskRoot,
            "LAMBDA_RUNTIME_DIR": RuntimeEnvironments.runtimeDirectory,
            "TZ": ":UTC",
            "LANG": "en_US.UTF-8",
            "PATH": inherited["PATH"] ?? "/usr/local/bin:/usr/bin:/bin",
            "LD_LIBRARY_PATH": (taskRoot as NSString).appendingPathComponent("lib"),
            "AWS_ACCESS_KEY_ID": credential.accessKeyId,
            "AWS_SECRET_ACCESS_KEY": credential.secret,
            "AWS_SESSION_TOKEN": credential.sessionToken ?? "",
            "AWS_ENDPOINT_URL": endpointURL,
        ]
        variables.merge(reserved) { _, reserved in reserved }
        // Lambda's environment has no HOME; the runtimes it starts through a shell (Python, Node.js,
        // Ruby, .NET) have a shell level of 0, those it starts directly (Java, custom runtimes)
        // none (AWS's recordings of each runtime's environment).
        let runtime = version.runtime ?? "provided"
        if !runtime.hasPrefix("java") && !runtime.hasPrefix("provided") { variables["SHLVL"] = "0" }
        return variables
    }

    /// `2024/01/31/[$LATEST]<32 hex digits>`, as Lambda names an execution environment's stream.
    static func logStreamName(version: String) -> String {
        let id = UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        return "\(UTCDateFormats.string(Date(), "yyyy/MM/dd"))/[\(version)]\(id)"
    }

    /// Temporary credentials of the execution role for one worker, as Lambda gets them from STS.
    static func sessionCredential(
        for function: FunctionRecord, version: FunctionVersionRecord, in directory: CredentialDirectory
    ) -> IssuedCredential {
        directory.issueRoleSession(
            roleArn: version.role, account: function.account, sessionName: sessionName(function.name))
    }

    /// The role session a function's code acts in is named after the function. A session name has at
    /// least two characters, so AWS names the session of a one-character function `<name>@lambda_function`
    /// (recorded in AWS's answers for a function named `u`).
    static func sessionName(_ functionName: String) -> String {
        functionName.count < 2 ? "\(functionName)@lambda_function" : functionName
    }
}

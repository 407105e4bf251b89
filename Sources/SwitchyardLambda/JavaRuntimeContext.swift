extension JavaRuntimeClient {
    /// The Context and LambdaLogger classes, with the aws-lambda-java-core interfaces they are
    /// compiled against (by path under the source directory). Only the two classes are kept, in
    /// `contextDirectory`, off the class path: the client defines them itself.
    static let contextSources: [(path: String, text: String)] = [
        (
            "SwitchyardLambdaContext.java",
            #"""
            import com.amazonaws.services.lambda.runtime.ClientContext;
            import com.amazonaws.services.lambda.runtime.CognitoIdentity;
            import com.amazonaws.services.lambda.runtime.Context;
            import com.amazonaws.services.lambda.runtime.LambdaLogger;

            /** Lambda's Context for one invocation: what the Runtime API and the environment say of it. */
            public final class SwitchyardLambdaContext implements Context {
                private final String awsRequestId;
                private final String invokedFunctionArn;
                private final long deadlineTimeInMs;
                private final String functionName = System.getenv("AWS_LAMBDA_FUNCTION_NAME");
                private final String functionVersion = System.getenv("AWS_LAMBDA_FUNCTION_VERSION");
                private final String logGroupName = System.getenv("AWS_LAMBDA_LOG_GROUP_NAME");
                private final String logStreamName = System.getenv("AWS_LAMBDA_LOG_STREAM_NAME");
                private final int memoryLimit =
                    Integer.parseInt(System.getenv().getOrDefault("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128"));
                // Not a field serializers walk (libraries that print the context, Gson's say).
                private final transient LambdaLogger logger = new SwitchyardLambdaLogger();

                private final ClientContext clientContext;

                /** `clientContext`: the invoker's client context document (null when it gave none). */
                public SwitchyardLambdaContext(
                        String awsRequestId, String invokedFunctionArn, long deadlineTimeInMs,
                        java.util.Map<String, Object> clientContext) {
                    this.awsRequestId = awsRequestId;
                    this.invokedFunctionArn = invokedFunctionArn;
                    this.deadlineTimeInMs = deadlineTimeInMs;
                    this.clientContext = clientContext == null ? null : new SwitchyardLambdaClientContext(clientContext);
                }

                @Override public String getAwsRequestId() { return awsRequestId; }
                @Override public String getLogGroupName() { return logGroupName; }
                @Override public String getLogStreamName() { return logStreamName; }
                @Override public String getFunctionName() { return functionName; }
                @Override public String getFunctionVersion() { return functionVersion; }
                @Override public String getInvokedFunctionArn() { return invokedFunctionArn; }
                @Override public CognitoIdentity getIdentity() { return null; }
                @Override public ClientContext getClientContext() { return clientContext; }
                @Override public int getMemoryLimitInMB() { return memoryLimit; }
                @Override public LambdaLogger getLogger() { return logger; }

                @Override
                public int getRemainingTimeInMillis() {
                    return (int) Math.max(0, deadlineTimeInMs - System.currentTimeMillis());
                }
            }
            """#
        ),
        (
            "SwitchyardLambdaClientContext.java",
            #"""
            import com.amazonaws.services.lambda.runtime.Client;
            import com.amazonaws.services.lambda.runtime.ClientContext;
            import java.util.LinkedHashMap;
            import java.util.Map;

            /**
             * The invoker's client context, as the AWS Mobile SDK writes it: `client` (`installation_id`,
             * `app_title`, `app_version_name`, `app_version_code`, `app_package_name`), `custom` and `env`.
             */
            public final class SwitchyardLambdaClientContext implements ClientContext {
                private final Client client;
                private final Map<String, String> custom;
                private final Map<String, String> env;

                public SwitchyardLambdaClientContext(Map<String, Object> document) {
                    Map<String, String> client = strings(document.get("client"));
                    this.client = client == null ? null : new SwitchyardLambdaClient(client);
                    this.custom = strings(document.get("custom"));
                    this.env = strings(document.get("env"));
                }

                static Map<String, String> strings(Object value) {
                    if (!(value instanceof Map<?, ?>)) return null;
                    Map<String, String> strings = new LinkedHashMap<>();
                    for (Map.Entry<?, ?> entry : ((Map<?, ?>) value).entrySet()) {
                        strings.put(String.valueOf(entry.getKey()), entry.getValue() == null ? null : String.valueOf(entry.getValue()));
                    }
                    return strings;
                }

                @Override public Client getClient() { return client; }
                @Override public Map<String, String> getCustom() { return custom; }
                @Override public Map<String, String> getEnvironment() { return env; }
            }
            """#
        ),
        (
            "SwitchyardLambdaClient.java",
            #"""
            import com.amazonaws.services.lambda.runtime.Client;
            import java.util.Map;

            /** The client of a client context: the mobile application that invoked the function. */
            public final class SwitchyardLambdaClient implements Client {
                private final String installationId;
                private final String appTitle;
                private final String appVersionName;
                private final String appVersionCode;
                private final String appPackageName;

                public SwitchyardLambdaClient(Map<String, String> client) {
                    installationId = client.get("installation_id");
                    appTitle = client.get("app_title");
                    appVersionName = client.get("app_version_name");
                    appVersionCode = client.get("app_version_code");
                    appPackageName = client.get("app_package_name");
                }

                @Override public String getInstallationId() { return installationId; }
                @Override public String getAppTitle() { return appTitle; }
                @Override public String getAppVersionName() { return appVersionName; }
                @Override public String getAppVersionCode() { return appVersionCode; }
                @Override public String getAppPackageName() { return appPackageName; }
            }
            """#
        ),
        (
            "SwitchyardLambdaLogger.java",
            #"""
            import com.amazonaws.services.lambda.runtime.LambdaLogger;
            import java.nio.charset.StandardCharsets;

            /** Lambda's LambdaLogger: the message as it is, on the function's output (its log stream). */
            public final class SwitchyardLambdaLogger implements LambdaLogger {
                @Override
                public void log(String message) {
                    System.out.print(message);
                    System.out.flush();
                }

                @Override
                public void log(byte[] message) {
                    log(new String(message, StandardCharsets.UTF_8));
                }
            }
            """#
        ),
        (
            "com/amazonaws/services/lambda/runtime/Context.java",
            #"""
            package com.amazonaws.services.lambda.runtime;

            /** aws-lambda-java-core's Context, as published: compiled against, never loaded. */
            public interface Context {
                String getAwsRequestId();
                String getLogGroupName();
                String getLogStreamName();
                String getFunctionName();
                String getFunctionVersion();
                String getInvokedFunctionArn();
                CognitoIdentity getIdentity();
                ClientContext getClientContext();
                int getRemainingTimeInMillis();
                int getMemoryLimitInMB();
                LambdaLogger getLogger();
            }
            """#
        ),
        (
            "com/amazonaws/services/lambda/runtime/LambdaLogger.java",
            #"""
            package com.amazonaws.services.lambda.runtime;

            /** aws-lambda-java-core's LambdaLogger, as published: compiled against, never loaded. */
            public interface LambdaLogger {
                void log(String message);
                void log(byte[] message);
            }
            """#
        ),
        (
            "com/amazonaws/services/lambda/runtime/CognitoIdentity.java",
            #"""
            package com.amazonaws.services.lambda.runtime;

            /** aws-lambda-java-core's CognitoIdentity, as published: compiled against, never loaded. */
            public interface CognitoIdentity {
                String getIdentityId();
                String getIdentityPoolId();
            }
            """#
        ),
        (
            "com/amazonaws/services/lambda/runtime/ClientContext.java",
            #"""
            package com.amazonaws.services.lambda.runtime;

            /** aws-lambda-java-core's ClientContext, as published: compiled against, never loaded. */
            public interface ClientContext {
                Client getClient();
                java.util.Map<String, String> getCustom();
                java.util.Map<String, String> getEnvironment();
            }
            """#
        ),
        (
            "com/amazonaws/services/lambda/runtime/Client.java",
            #"""
            package com.amazonaws.services.lambda.runtime;

            /** aws-lambda-java-core's Client, as published: compiled against, never loaded. */
            public interface Client {
                String getInstallationId();
                String getAppTitle();
                String getAppVersionName();
                String getAppVersionCode();
                String getAppPackageName();
            }
            """#
        ),
    ]

    /// The classes kept from `contextSources`.
    static let contextClasses = [
        "SwitchyardLambdaContext", "SwitchyardLambdaLogger", "SwitchyardLambdaClientContext", "SwitchyardLambdaClient",
    ]
}

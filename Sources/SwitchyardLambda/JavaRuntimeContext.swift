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

                public SwitchyardLambdaContext(String awsRequestId, String invokedFunctionArn, long deadlineTimeInMs) {
                    this.awsRequestId = awsRequestId;
                    this.invokedFunctionArn = invokedFunctionArn;
                    this.deadlineTimeInMs = deadlineTimeInMs;
                }

                @Override public String getAwsRequestId() { return awsRequestId; }
                @Override public String getLogGroupName() { return logGroupName; }
                @Override public String getLogStreamName() { return logStreamName; }
                @Override public String getFunctionName() { return functionName; }
                @Override public String getFunctionVersion() { return functionVersion; }
                @Override public String getInvokedFunctionArn() { return invokedFunctionArn; }
                @Override public CognitoIdentity getIdentity() { return null; }
                @Override public ClientContext getClientContext() { return null; }
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
    static let contextClasses = ["SwitchyardLambdaContext", "SwitchyardLambdaLogger"]
}

/// The Java runtime client Switchyard runs `java*` functions with (AWS's own,
/// `aws-lambda-java-runtime-interface-client`, comes from Maven Central, which a machine without
/// that registry cannot reach), compiled once with the machine's `javac`. It follows the Lambda
/// developer guide's handler contract for Java: `package.Class::method` or `package.Class` (a
/// `RequestHandler` or `RequestStreamHandler`, or a public `handleRequest`); the event is converted
/// to the method's first parameter (maps, lists, strings, numbers, booleans, arrays, enums, and
/// beans filled through setters or fields matched in any case), the `Context` and `LambdaLogger`
/// the function's own `aws-lambda-java-core` declares are provided, and a thrown exception is
/// answered as `{"errorMessage", "errorType": "<class>", "stackTrace", "cause"}`, as AWS answers it.
/// Jars under the task root's `lib/` and the layers' `java/lib/` are on the class path. The event's
/// conversion is `jsonSource`'s (JavaRuntimeJSON.swift). The Context
/// and LambdaLogger handlers get are classes of Switchyard's, compiled against the interfaces
/// aws-lambda-java-core publishes and defined at run time under the function's class loader, so
/// that they implement the function's own copy of those interfaces (and libraries that print the
/// context by reflection, as Gson does, see plain fields).
enum JavaRuntimeClient {
    static let className = "SwitchyardJavaRuntime"
    /// A new client source gets a new directory.
    static let directoryName = "java-client-12"
    /// Where the Context and LambdaLogger classes are, under the client's directory.
    static let contextDirectory = "context"

    /// The runtime client's sources (by file name), compiled onto the JVM's class path.
    static var sources: [(file: String, text: String)] {
        [("\(className).java", source), ("SwitchyardJavaJson.java", jsonSource)]
    }

    /// `contextClasses` as Java string literals, for the loader that defines them.
    static var contextClassList: String { contextClasses.map { "\"\($0)\"" }.joined(separator: ", ") }

    /// The runtime client: the handler, the Runtime API loop and the error documents.
    static let source = #"""
        import java.io.ByteArrayInputStream;
        import java.io.ByteArrayOutputStream;
        import java.io.File;
        import java.io.InputStream;
        import java.io.OutputStream;
        import java.lang.reflect.Constructor;
        import java.lang.reflect.InvocationTargetException;
        import java.lang.reflect.Method;
        import java.lang.reflect.Modifier;
        import java.lang.reflect.ParameterizedType;
        import java.lang.reflect.Type;
        import java.lang.reflect.TypeVariable;
        import java.net.HttpURLConnection;
        import java.net.URL;
        import java.net.URLClassLoader;
        import java.nio.charset.StandardCharsets;
        import java.util.ArrayList;
        import java.util.LinkedHashMap;
        import java.util.List;
        import java.util.Map;

        /** Switchyard's runtime client for Lambda's java* runtimes: loads the handler, polls the Runtime API. */
        public final class SwitchyardJavaRuntime {
            static final String CORE = "com.amazonaws.services.lambda.runtime.";
            static String api;

            public static void main(String[] args) throws Exception {
                // The Runtime API is asked through HttpURLConnection, which works on the calling thread
                // over a kept-alive connection: java.net.http's client hands each exchange between
                // threads, which tripled the JVM's time per invocation when several share the cores.
                // A response is posted once: never resent on a connection the server closed.
                System.setProperty("sun.net.http.retryPost", "false");
                api = "http://" + System.getenv("AWS_LAMBDA_RUNTIME_API") + "/2018-06-01/runtime";
                String spec = args.length > 0 ? args[0] : System.getenv("_HANDLER");
                Handler handler;
                try {
                    handler = Handler.load(spec, classLoader());
                } catch (Throwable error) {
                    Throwable cause = unwrap(error);
                    cause.printStackTrace(System.out);
                    post("/init/error", SwitchyardJavaJson.write(document(cause)), "Unhandled");
                    System.exit(1);
                    return;
                }
                while (true) {
                    HttpURLConnection next = connection("/invocation/next");
                    byte[] event;
                    try (InputStream body = next.getInputStream()) {
                        event = body.readAllBytes();
                    }
                    String requestId = header(next, "Lambda-Runtime-Aws-Request-Id", "");
                    String trace = next.getHeaderField("Lambda-Runtime-Trace-Id");
                    if (trace != null) System.setProperty("com.amazonaws.xray.traceHeader", trace);
                    Invocation invocation = new Invocation(
                        requestId, header(next, "Lambda-Runtime-Invoked-Function-Arn", ""),
                        Long.parseLong(header(next, "Lambda-Runtime-Deadline-Ms", "0")),
                        document(next.getHeaderField("Lambda-Runtime-Client-Context")));
                    try {
                        byte[] answer = handler.invoke(event, invocation);
                        post("/invocation/" + requestId + "/response", answer, null);
                    } catch (Throwable error) {
                        Throwable cause = unwrap(error);
                        cause.printStackTrace(System.out);
                        post("/invocation/" + requestId + "/error", SwitchyardJavaJson.write(document(cause)), "Unhandled");
                        if (cause instanceof VirtualMachineError) System.exit(1);
                    }
                }
            }

            /** The function's code and its layers: classes at the task root, jars in its lib/ and each layer's java/lib/. */
            static ClassLoader classLoader() throws Exception {
                List<URL> urls = new ArrayList<>();
                String root = System.getenv().getOrDefault("LAMBDA_TASK_ROOT", ".");
                urls.add(new File(root).toURI().toURL());
                addJars(urls, new File(root, "lib"));
                List<String> layers = new ArrayList<>(List.of("/opt"));
                String extra = System.getenv("SWITCHYARD_LAMBDA_LAYERS");
                if (extra != null && !extra.isEmpty()) layers.addAll(List.of(extra.split(":")));
                for (String layer : layers) addJars(urls, new File(layer, "java/lib"));
                ClassLoader loader = new URLClassLoader(urls.toArray(new URL[0]), ClassLoader.getSystemClassLoader());
                Thread.currentThread().setContextClassLoader(loader);
                return loader;
            }

            static void addJars(List<URL> urls, File directory) throws Exception {
                File[] jars = directory.listFiles((dir, name) -> name.endsWith(".jar"));
                if (jars == null) return;
                java.util.Arrays.sort(jars);
                for (File jar : jars) urls.add(jar.toURI().toURL());
            }

            static Throwable unwrap(Throwable error) {
                while ((error instanceof InvocationTargetException || error instanceof ExceptionInInitializerError)
                        && error.getCause() != null) {
                    error = error.getCause();
                }
                return error;
            }

            /** AWS's error document: message, class, the frames up to the runtime's own, and the cause's document. */
            static Map<String, Object> document(Throwable error) {
                Map<String, Object> document = new LinkedHashMap<>();
                document.put("errorMessage", error.getMessage());
                document.put("errorType", error.getClass().getName());
                List<String> frames = new ArrayList<>();
                for (StackTraceElement frame : error.getStackTrace()) {
                    String type = frame.getClassName();
                    if (type.startsWith("jdk.internal.reflect.") || type.startsWith("java.lang.reflect.")
                            || type.startsWith("SwitchyardJavaRuntime")) break;
                    frames.add(type + "." + frame.getMethodName() + "("
                            + (frame.getFileName() == null ? "Unknown Source"
                                : frame.getFileName() + (frame.getLineNumber() >= 0 ? ":" + frame.getLineNumber() : ""))
                            + ")");
                }
                document.put("stackTrace", frames);
                if (error.getCause() != null && error.getCause() != error) document.put("cause", document(error.getCause()));
                return document;
            }

            /** A request to the Runtime API; the long poll for the next invocation waits as long as it takes. */
            static HttpURLConnection connection(String path) throws Exception {
                HttpURLConnection connection = (HttpURLConnection) new URL(api + path).openConnection();
                connection.setUseCaches(false);
                connection.setReadTimeout(0);
                return connection;
            }

            static String header(HttpURLConnection connection, String name, String otherwise) {
                String value = connection.getHeaderField(name);
                return value == null ? otherwise : value;
            }

            static void post(String path, byte[] body, String errorType) throws Exception {
                HttpURLConnection request = connection(path);
                request.setRequestMethod("POST");
                // Not streamed: the body goes out with the headers in one write. Headers and body in
                // two small writes waited on the first one's acknowledgement (Nagle's algorithm).
                request.setDoOutput(true);
                request.setRequestProperty("Content-Type", "application/json");
                if (errorType != null) request.setRequestProperty("Lambda-Runtime-Function-Error-Type", errorType);
                try (OutputStream out = request.getOutputStream()) {
                    out.write(body);
                }
                // Read to the end, so that the connection is kept for the next request.
                InputStream answer = request.getResponseCode() < 400 ? request.getInputStream() : request.getErrorStream();
                if (answer != null) {
                    try (InputStream drained = answer) {
                        drained.readAllBytes();
                    }
                }
            }

            static void post(String path, String body, String errorType) throws Exception {
                post(path, body.getBytes(StandardCharsets.UTF_8), errorType);
            }

            record Invocation(String requestId, String functionArn, long deadline, Map<String, Object> clientContext) {}

            /** A JSON object of a header; null when there is none or it is not one. */
            @SuppressWarnings("unchecked")
            static Map<String, Object> document(String header) {
                if (header == null || header.isEmpty()) return null;
                try {
                    Object parsed = SwitchyardJavaJson.parse(header);
                    return parsed instanceof Map<?, ?> ? (Map<String, Object>) parsed : null;
                } catch (RuntimeException malformed) {
                    return null;
                }
            }

            /** A resolved handler: the object (or null for a static method), the method and how it takes its arguments. */
            static final class Handler {
                final Object target;
                final Method method;
                final boolean streaming;
                final Type input;
                final ClassLoader loader;
                Constructor<?> contextConstructor;

                Handler(Object target, Method method, boolean streaming, Type input, ClassLoader loader) {
                    this.target = target;
                    this.method = method;
                    this.streaming = streaming;
                    this.input = input;
                    this.loader = loader;
                }

                static Handler load(String spec, ClassLoader loader) throws Exception {
                    String className = spec;
                    String methodName = null;
                    int separator = spec.indexOf("::");
                    if (separator >= 0) {
                        className = spec.substring(0, separator);
                        methodName = spec.substring(separator + 2);
                    }
                    Class<?> type;
                    try {
                        type = Class.forName(className, true, loader);
                    } catch (ClassNotFoundException missing) {
                        throw new ClassNotFoundException("Class not found: " + className, missing);
                    }
                    Method chosen = null;
                    boolean streaming = false;
                    if (methodName == null && implementsNamed(type, CORE + "RequestStreamHandler")) {
                        chosen = find(type, "handleRequest", 3, true);
                        streaming = true;
                    } else {
                        String name = methodName == null ? "handleRequest" : methodName;
                        chosen = find(type, name, -1, false);
                        if (chosen == null) {
                            throw new NoSuchMethodException("No public method named " + name + " with appropriate method signature found on " + type);
                        }
                        Class<?>[] parameters = chosen.getParameterTypes();
                        streaming = parameters.length >= 2 && InputStream.class.isAssignableFrom(parameters[0])
                            && OutputStream.class.isAssignableFrom(parameters[1]);
                    }
                    if (chosen == null) throw new NoSuchMethodException("No handleRequest method found on " + type);
                    chosen.setAccessible(true);
                    Object target = null;
                    if (!Modifier.isStatic(chosen.getModifiers())) {
                        Constructor<?> constructor = type.getDeclaredConstructor();
                        constructor.setAccessible(true);
                        target = constructor.newInstance();
                    }
                    Type input = chosen.getParameterCount() == 0 || streaming ? null : inputType(type, chosen);
                    return new Handler(target, chosen, streaming, input, loader);
                }

                static boolean implementsNamed(Class<?> type, String name) {
                    for (Class<?> at = type; at != null; at = at.getSuperclass()) {
                        for (Class<?> face : at.getInterfaces()) {
                            if (face.getName().equals(name) || implementsNamed(face, name)) return true;
                        }
                    }
                    return false;
                }

                /** The public method of that name with the most parameters, not a compiler-made bridge. */
                static Method find(Class<?> type, String name, int parameters, boolean streaming) {
                    Method best = null;
                    for (Method method : type.getMethods()) {
                        if (!method.getName().equals(name) || method.isBridge() || method.getParameterCount() > 3) continue;
                        if (parameters >= 0 && method.getParameterCount() != parameters) continue;
                        if (best == null || method.getParameterCount() > best.getParameterCount()) best = method;
                    }
                    return best;
                }

                /** The event's type: the method's first parameter, resolved through RequestHandler's type argument. */
                static Type inputType(Class<?> type, Method method) {
                    Type declared = method.getGenericParameterTypes()[0];
                    if (!(declared instanceof TypeVariable<?>)) return declared;
                    // A generic base class's method (`handleRequest(T input, ...)` in `Base<T>`): T as the handler
                    // class binds it, through its superclasses and interfaces.
                    Map<TypeVariable<?>, Type> bindings = new java.util.HashMap<>();
                    bind(type, bindings);
                    Type resolved = declared;
                    for (int hops = 0; resolved instanceof TypeVariable<?> && bindings.containsKey(resolved) && hops < 32; hops++) {
                        resolved = bindings.get(resolved);
                    }
                    return resolved instanceof TypeVariable<?> ? Object.class : resolved;
                }

                /** Each type variable of the class's supertypes, bound to the type argument the hierarchy gives it. */
                static void bind(Type type, Map<TypeVariable<?>, Type> bindings) {
                    Class<?> raw = SwitchyardJavaJson.rawClass(type);
                    if (raw == Object.class) return;
                    if (type instanceof ParameterizedType) {
                        TypeVariable<?>[] variables = raw.getTypeParameters();
                        Type[] arguments = ((ParameterizedType) type).getActualTypeArguments();
                        for (int i = 0; i < variables.length && i < arguments.length; i++) bindings.put(variables[i], arguments[i]);
                    }
                    if (raw.getGenericSuperclass() != null) bind(raw.getGenericSuperclass(), bindings);
                    for (Type face : raw.getGenericInterfaces()) bind(face, bindings);
                }

                byte[] invoke(byte[] payload, Invocation invocation) throws Throwable {
                    Class<?>[] parameters = method.getParameterTypes();
                    Object[] arguments = new Object[parameters.length];
                    ByteArrayOutputStream output = new ByteArrayOutputStream();
                    int next = 0;
                    if (streaming) {
                        arguments[0] = new ByteArrayInputStream(payload);
                        arguments[1] = output;
                        next = 2;
                    } else if (parameters.length > 0 && !parameters[0].getName().equals(CORE + "Context")) {
                        Object event = SwitchyardJavaJson.parse(new String(payload, StandardCharsets.UTF_8));
                        arguments[0] = SwitchyardJavaJson.convert(event, input);
                        next = 1;
                    }
                    if (next < parameters.length) arguments[next] = context(invocation, parameters[next]);
                    Object result = method.invoke(target, arguments);
                    if (streaming) return output.toByteArray();
                    if (method.getReturnType() == void.class) return "null".getBytes(StandardCharsets.UTF_8);
                    return SwitchyardJavaJson.write(result).getBytes(StandardCharsets.UTF_8);
                }

                /**
                 * A Context for the invocation, if the method takes the function's own Context: an instance
                 * of SwitchyardLambdaContext, linked against the function's aws-lambda-java-core.
                 */
                Object context(Invocation invocation, Class<?> contextType) throws Exception {
                    if (contextConstructor == null) {
                        Class<?> implementation = new ContextLoader(loader).loadClass("SwitchyardLambdaContext");
                        contextConstructor = implementation.getConstructor(String.class, String.class, long.class, Map.class);
                    }
                    if (!contextType.isAssignableFrom(contextConstructor.getDeclaringClass())) return null;
                    return contextConstructor.newInstance(
                        invocation.requestId(), invocation.functionArn(), invocation.deadline(), invocation.clientContext());
                }
            }

            /**
             * Defines Switchyard's Context and LambdaLogger classes (compiled apart, in the client's context/
             * directory) under the function's class loader, so that the interfaces they implement are the
             * ones the function's own aws-lambda-java-core declares. Every other class is the function's.
             */
            static final class ContextLoader extends ClassLoader {
                static final java.util.Set<String> CONTEXT_CLASSES = java.util.Set.of(\#(contextClassList));

                ContextLoader(ClassLoader function) {
                    super(function);
                }

                @Override
                protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
                    if (!CONTEXT_CLASSES.contains(name)) {
                        return super.loadClass(name, resolve);
                    }
                    synchronized (getClassLoadingLock(name)) {
                        Class<?> loaded = findLoadedClass(name);
                        if (loaded != null) return loaded;
                        try {
                            byte[] bytes = java.nio.file.Files.readAllBytes(
                                java.nio.file.Path.of(System.getProperty("switchyard.lambda.client"), "context", name + ".class"));
                            return defineClass(name, bytes, 0, bytes.length);
                        } catch (java.io.IOException unreadable) {
                            throw new ClassNotFoundException(name, unreadable);
                        }
                    }
                }
            }
        }
        """#
}

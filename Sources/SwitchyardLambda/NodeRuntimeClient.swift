/// The Node.js runtime client Switchyard runs `nodejs*` functions with (AWS's own,
/// `aws-lambda-ric`, comes from npm, which a machine without the npm registry cannot reach): it
/// loads the handler (`file.export`, CommonJS or ES module), polls the Runtime API, calls the
/// handler with the event and a context (async, promise or callback style), and reports results
/// and errors (`errorType`, `errorMessage`, `trace`) as AWS's client does. Console output is
/// prefixed with the time, request id and level, as on AWS. The Runtime API is asked through
/// `node:http` over one kept-alive connection: `fetch` cost a millisecond and a half of CPU per
/// invocation, and left each answer's connection unread.
enum NodeRuntimeClient {
    static let fileName = "switchyard-node-runtime-7.mjs"

    static let source = #"""
        import { createRequire } from "node:module";
        import path from "node:path";
        import { pathToFileURL } from "node:url";
        import fs from "node:fs";
        import http from "node:http";
        import { Writable } from "node:stream";
        import util from "node:util";

        const api = `http://${process.env.AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime`;
        const root = process.env.LAMBDA_TASK_ROOT;
        const handlerSpec = process.env._HANDLER || "index.handler";
        let currentRequest = "";

        for (const level of ["log", "info", "warn", "error", "debug", "trace"]) {
          const tag = level === "log" ? "INFO" : level.toUpperCase();
          console[level] = (...args) => {
            process.stdout.write(`${new Date().toISOString()}\t${currentRequest}\t${tag}\t${util.format(...args)}\n`);
          };
        }

        // Response streaming (developer guide, "Response streaming for Lambda functions"): the global
        // `awslambda` marks a handler that writes to a stream, and gives a function URL's status and
        // headers as a prelude before the body. What the handler writes is posted as it is written, in
        // one chunked response opened by its first write; an error after that goes in the response's
        // trailers (the Runtime API's streaming contract).
        const streamingHandler = Symbol("streaming handler");
        const httpIntegration = "application/vnd.awslambda.http-integration-response";

        class ResponseStream extends Writable {
          constructor(requestId) {
            super();
            this.requestId = requestId;
            this.contentType = "application/octet-stream";
            this.request = null;
            this.answered = Promise.resolve();
          }
          open() {
            if (this.request) return;
            this.answered = new Promise((resolve, reject) => {
              this.request = http.request(`${api}/invocation/${this.requestId}/response`, {
                method: "POST", agent, headers: {
                  "Content-Type": this.contentType, "Lambda-Runtime-Function-Response-Mode": "streaming",
                  "Transfer-Encoding": "chunked",
                  "Trailer": "Lambda-Runtime-Function-Error-Type, Lambda-Runtime-Function-Error-Body" } },
                (answer) => { answer.resume(); answer.on("end", resolve); answer.on("error", reject); });
              this.request.on("socket", (socket) => socket.setNoDelay(true));
              this.request.on("error", reject);
            });
          }
          _write(chunk, encoding, done) {
            this.open();
            this.request.write(chunk, encoding, done);
          }
          _final(done) {
            this.open();
            this.request.end(done);
          }
          // Ends a response already begun with the handler's error.
          fail(error) {
            const document = errorDocument(error);
            this.request.addTrailers({
              "Lambda-Runtime-Function-Error-Type": document.errorType,
              "Lambda-Runtime-Function-Error-Body": Buffer.from(JSON.stringify(document)).toString("base64") });
            this.request.end();
          }
          setContentType(type) {
            this.contentType = type;
          }
        }

        globalThis.awslambda = {
          streamifyResponse(handler) {
            handler[streamingHandler] = true;
            return handler;
          },
          HttpResponseStream: class HttpResponseStream {
            static from(stream, prelude) {
              stream.setContentType(httpIntegration);
              stream.write(JSON.stringify(prelude ?? {}));
              stream.write(Buffer.alloc(8));
              return stream;
            }
          },
        };

        function parsed(header) {
          if (!header) return undefined;
          try {
            return JSON.parse(header);
          } catch {
            return undefined;
          }
        }

        // Runs a streaming handler; an error before it wrote anything is reported as any other.
        async function streamed(event, context, requestId) {
          const stream = new ResponseStream(requestId);
          const ended = new Promise((resolve, reject) => {
            stream.on("finish", resolve);
            stream.on("error", reject);
          });
          try {
            await handler(event, stream, context);
            if (!stream.writableEnded) stream.end();
            await ended;
          } catch (error) {
            if (!stream.request) throw error;
            stream.fail(error);
          }
          await stream.answered;
        }

        function errorDocument(error, type) {
          const err = error instanceof Error ? error : new Error(String(error));
          return { errorType: type || err.name || "Error", errorMessage: err.message,
                   trace: (err.stack || "").split("\n") };
        }

        const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

        // One exchange with the Runtime API: its status, headers (lower case) and body as text. A
        // kept-alive connection the server has closed meanwhile is tried again on a new one.
        function exchange(method, url, body, headers = {}, retried = false) {
          return new Promise((resolve, reject) => {
            const request = http.request(url, { method, agent, headers }, (answer) => {
              const chunks = [];
              answer.on("data", (chunk) => chunks.push(chunk));
              answer.on("end", () => resolve({ status: answer.statusCode, headers: answer.headers,
                                               text: Buffer.concat(chunks).toString("utf8") }));
              answer.on("error", reject);
            });
            request.on("socket", (socket) => socket.setNoDelay(true));
            request.on("error", (error) => {
              if (!retried && request.reusedSocket && error.code === "ECONNRESET") {
                exchange(method, url, body, headers, true).then(resolve, reject);
              } else {
                reject(error);
              }
            });
            request.end(body);
          });
        }

        // A body that is neither text nor bytes is sent as JSON.
        async function post(url, body, headers = {}) {
          const payload = typeof body === "string" || Buffer.isBuffer(body) ? body : JSON.stringify(body);
          await exchange("POST", url, payload, { "Content-Type": "application/json",
                                                 "Content-Length": Buffer.byteLength(payload), ...headers });
        }

        async function loadHandler() {
          const dot = handlerSpec.lastIndexOf(".");
          const modulePath = handlerSpec.slice(0, dot);
          const exportName = handlerSpec.slice(dot + 1);
          const base = path.resolve(root, modulePath);
          let loaded;
          try {
            for (const extension of [".mjs", ".js", ".cjs"]) {
              if (fs.existsSync(base + extension)) {
                loaded = await import(pathToFileURL(base + extension).href);
                break;
              }
            }
            if (!loaded) loaded = createRequire(path.join(root, "index.js"))(base);
          } catch (error) {
            // As AWS's client names them (developer guide, Node.js errors): code that does not parse,
            // and a module that is not there; what the code itself throws while loading is its own.
            if (error instanceof SyntaxError) {
              const err = new Error(`SyntaxError: ${error.message}`);
              err.name = "Runtime.UserCodeSyntaxError";
              throw err;
            }
            if (error?.code === "MODULE_NOT_FOUND" || error?.code === "ERR_MODULE_NOT_FOUND") {
              const missing = error.message.includes(`'${base}'`);
              const err = new Error(missing ? `Cannot find module '${modulePath}'` : `Error: ${error.message}`);
              err.name = "Runtime.ImportModuleError";
              throw err;
            }
            throw error;
          }
          const handler = loaded[exportName] ?? loaded.default?.[exportName];
          if (typeof handler !== "function") {
            const err = new Error(`${modulePath}.${exportName} is undefined or not exported`);
            err.name = "Runtime.HandlerNotFound";
            throw err;
          }
          return handler;
        }

        let handler;
        try {
          handler = await loadHandler();
        } catch (error) {
          await post(`${api}/init/error`, errorDocument(error, error.name),
                     { "Lambda-Runtime-Function-Error-Type": error.name });
          process.exit(1);
        }

        while (true) {
          const next = await exchange("GET", `${api}/invocation/next`);
          const requestId = next.headers["lambda-runtime-aws-request-id"];
          const deadline = Number(next.headers["lambda-runtime-deadline-ms"]);
          const event = JSON.parse(next.text);
          // The invocation's X-Ray trace header, where AWS's client puts it for the SDK to read.
          const trace = next.headers["lambda-runtime-trace-id"];
          if (trace) process.env._X_AMZN_TRACE_ID = trace;
          else delete process.env._X_AMZN_TRACE_ID;
          currentRequest = requestId;
          const context = {
            functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
            functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
            invokedFunctionArn: next.headers["lambda-runtime-invoked-function-arn"],
            memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
            awsRequestId: requestId,
            logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
            logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
            callbackWaitsForEmptyEventLoop: true,
            clientContext: parsed(next.headers["lambda-runtime-client-context"]),
            identity: parsed(next.headers["lambda-runtime-cognito-identity"]),
            getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
          };
          try {
            if (handler[streamingHandler]) {
              await streamed(event, context, requestId);
              continue;
            }
            const result = await new Promise((resolve, reject) => {
              const callback = (error, value) => (error ? reject(error) : resolve(value));
              // The context's older way to answer, which AWS's client still offers.
              context.done = callback;
              context.succeed = (value) => resolve(value);
              context.fail = (error) => reject(error ?? new Error("handled"));
              const returned = handler(event, context, callback);
              if (returned && typeof returned.then === "function") returned.then(resolve, reject);
              else if (handler.length < 3) resolve(returned);
            });
            await post(`${api}/invocation/${requestId}/response`, JSON.stringify(result ?? null));
          } catch (error) {
            await post(`${api}/invocation/${requestId}/error`, errorDocument(error),
                       { "Lambda-Runtime-Function-Error-Type": "Unhandled" });
          }
        }
        """#
}

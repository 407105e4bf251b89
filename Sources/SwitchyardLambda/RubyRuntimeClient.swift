/// The Ruby runtime client Switchyard runs `ruby*` functions with (AWS's own, the `aws_lambda_ric`
/// gem, comes from RubyGems, which a machine without that registry cannot reach). It follows the
/// Lambda developer guide's contract for Ruby: the handler `file.method` (or
/// `file.Module::Class.method`, a class-level method) is called with the keywords `event:` and
/// `context:`, its value is answered as JSON (an IO's contents as they are), and an exception is
/// answered as `{"errorMessage", "errorType": "Function<Class>", "stackTrace"}`. A failure to load
/// the handler is an `Init<Class>` error; NoMethodError, NameError and exceptions outside
/// StandardError end the worker after they are reported, as AWS's client does.
enum RubyRuntimeClient {
    static let fileName = "switchyard-ruby-runtime-2.rb"

    static let source = #"""
        require 'json'
        require 'net/http'

        $stdout.sync = true
        $stderr.sync = true

        module SwitchyardLambdaRuntime
          API = "http://#{ENV.fetch('AWS_LAMBDA_RUNTIME_API')}/2018-06-01/runtime"
          CLIENT = File.expand_path(__FILE__)
          # The classes AWS's client names in the Lambda-Runtime-Function-Error-Type header; any
          # other is reported there as a UserException (the error document names it either way).
          NAMED_IN_HEADER = %w[ArgumentError NoMethodError Exception StandardError NameError LoadError
                               SystemExit SystemStackError].freeze

          # What a handler gets as `context:`.
          class Context
            attr_reader :aws_request_id, :invoked_function_arn, :log_group_name, :log_stream_name,
                        :function_name, :memory_limit_in_mb, :function_version, :identity,
                        :client_context, :deadline_ms

            def initialize(headers)
              @deadline_ms = headers['lambda-runtime-deadline-ms'].to_i
              @aws_request_id = headers['lambda-runtime-aws-request-id']
              @invoked_function_arn = headers['lambda-runtime-invoked-function-arn']
              @log_group_name = ENV['AWS_LAMBDA_LOG_GROUP_NAME']
              @log_stream_name = ENV['AWS_LAMBDA_LOG_STREAM_NAME']
              @function_name = ENV['AWS_LAMBDA_FUNCTION_NAME']
              @memory_limit_in_mb = ENV['AWS_LAMBDA_FUNCTION_MEMORY_SIZE']
              @function_version = ENV['AWS_LAMBDA_FUNCTION_VERSION']
              identity = headers['lambda-runtime-cognito-identity']
              client_context = headers['lambda-runtime-client-context']
              @identity = JSON.parse(identity) if identity
              @client_context = JSON.parse(client_context) if client_context
            end

            def get_remaining_time_in_millis
              [@deadline_ms - Process.clock_gettime(Process::CLOCK_REALTIME, :millisecond), 0].max
            end
          end

          module_function

          # One kept-alive connection to the Runtime API for every request (a new one per request cost
          # two connections per invocation).
          def runtime_api
            @runtime_api ||= begin
              uri = URI(API)
              http = Net::HTTP.new(uri.host, uri.port)
              http.read_timeout = nil
              http.start
            end
          end

          def post(path, body, headers = {})
            request = Net::HTTP::Post.new(URI("#{API}#{path}").path, { 'Content-Type' => 'application/json' }.merge(headers))
            request.body = body
            begin
              runtime_api.request(request)
            rescue EOFError, IOError, SystemCallError
              # The server closed the kept connection before reading the request: once more on a new one.
              @runtime_api = nil
              runtime_api.request(request)
            end
          end

          # The error document and the header's error type, the frames of this client left out.
          def report(error, stage)
            frames = (error.backtrace_locations || error.backtrace || []).map(&:to_s)
            trace = frames.take_while { |frame| !frame.start_with?(CLIENT) }.first(100)
            type = "#{stage}<#{error.class}>"
            document = { errorMessage: error.message, errorType: type, stackTrace: trace }
            [document, NAMED_IN_HEADER.include?(error.class.to_s) ? type : 'Function<UserException>']
          end

          def log(message, document)
            puts message
            puts JSON.pretty_generate(document)
          end

          def load_handler(spec, root)
            parts = spec.to_s.split('.')
            if parts.size < 2
              raise ArgumentError, "Invalid handler #{spec}, must be of form FILENAME.METHOD or " \
                                   'FILENAME.CLASS.METHOD where FILENAME corresponds with an existing Ruby ' \
                                   'source file FILENAME.rb, CLASS is an optional module/class namespace and ' \
                                   'METHOD is a callable method. If using CLASS, METHOD must be a class-level method.'
            end
            $LOAD_PATH.unshift(root) unless $LOAD_PATH.include?(root)
            require parts.first
            namespace = parts[1...-1].join('.')
            [namespace.empty? ? TOPLEVEL_BINDING.receiver : Object.const_get(namespace), parts.last]
          end

          def next_invocation
            runtime_api.get(URI("#{API}/invocation/next").path)
          end

          def run(spec, root)
            begin
              receiver, method = load_handler(spec, root)
            rescue Exception => e # a LoadError or whatever the code raised while it loaded
              document, type = report(e, 'Init')
              log("Init error when loading handler #{spec}", document)
              post('/init/error', document.to_json, 'Lambda-Runtime-Function-Error-Type' => type)
              exit(-4)
            end
            loop do
              invocation = next_invocation
              request_id = invocation['lambda-runtime-aws-request-id']
              trace = invocation['lambda-runtime-trace-id']
              ENV['_X_AMZN_TRACE_ID'] = trace if trace
              body = invocation.body.to_s
              event = invocation['content-type'] == 'application/json' ? JSON.parse(body) : body
              begin
                result = receiver.send(method, event: event, context: Context.new(invocation))
                if result.is_a?(IO) || result.is_a?(StringIO)
                  post("/invocation/#{request_id}/response", result.read, 'Content-Type' => 'application/unknown')
                else
                  post("/invocation/#{request_id}/response", result.to_json)
                end
              rescue Exception => e
                critical = e.is_a?(NameError) || !e.is_a?(StandardError) # NoMethodError is a NameError
                document, type = report(e, 'Function')
                log(critical ? 'Critical exception from handler' : 'Error raised from handler method', document)
                post("/invocation/#{request_id}/error", document.to_json, 'Lambda-Runtime-Function-Error-Type' => type)
                exit(-1) if critical
              end
            end
          end
        end

        require 'stringio'
        SwitchyardLambdaRuntime.run(ARGV[0] || ENV['_HANDLER'], ENV['LAMBDA_TASK_ROOT'] || Dir.pwd)
        """#
}

import SwitchyardSES

extension ServerSettings {
    /// SES's settings: the sandbox, the SMTP interface and the relay.
    func sesSettings(host: String) throws -> SESSettings {
        var settings = SESSettings(smtpHost: host)
        if let (text, origin) = raw("ses-sandbox") {
            guard let value = Self.boolean(text) else { throw invalid(origin, "expected true or false.") }
            settings.sandbox = value
        }
        if raw("smtp-port") != nil {
            settings.smtpPort = try integer("smtp-port", default: 0, range: 0...65_535)
        }
        if raw("smtp-inbound-port") != nil {
            settings.smtpInboundPort = try integer("smtp-inbound-port", default: 0, range: 0...65_535)
        }
        settings.smtpCertificatePath = raw("smtp-tls-cert")?.value
        settings.smtpKeyPath = raw("smtp-tls-key")?.value
        if (settings.smtpCertificatePath == nil) != (settings.smtpKeyPath == nil) {
            throw invalid(source("smtp-tls-cert"), "give both --smtp-tls-cert and --smtp-tls-key, or neither.")
        }
        if let (text, origin) = raw("ses-quota") {
            let parts = text.split(separator: ":")
            guard parts.count == 2, let daily = Int(parts[0]), daily >= 0, let rate = Double(parts[1]), rate > 0
            else { throw invalid(origin, "expected MAX24H:RATE, e.g. 200:1.") }
            settings.quota = SESQuota(max24HourSend: daily, maxSendRate: rate)
        }
        if let (text, origin) = raw("smtp-relay") {
            guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
                (1...65_535).contains(port), colon != text.startIndex
            else { throw invalid(origin, "expected HOST:PORT.") }
            var relay = SMTPRelaySettings(host: String(text[..<colon]), port: port)
            relay.security = try choice("smtp-relay-security", default: SMTPRelaySettings.Security.none)
            relay.username = raw("smtp-relay-user")?.value
            relay.password = raw("smtp-relay-password")?.value
            if let (value, origin) = raw("smtp-relay-insecure") {
                guard let insecure = Self.boolean(value) else { throw invalid(origin, "expected true or false.") }
                relay.insecure = insecure
            }
            settings.relay = relay
        }
        return settings
    }

    static func boolean(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "true", "1", "yes", "on": true
        case "false", "0", "no", "off": false
        default: nil
        }
    }
}

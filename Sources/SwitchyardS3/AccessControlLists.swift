import Foundation
import SwitchyardModels
import SwitchyardWire

/// Access control lists as S3 takes them: a canned ACL (`x-amz-acl`), grant headers
/// (`x-amz-grant-read: id="…", uri="…"`), or an AccessControlPolicy document; one of the three.
/// They are stored and answered back; Switchyard does not enforce them.
enum AccessControlLists {
    static let allUsers = "http://acs.amazonaws.com/groups/global/AllUsers"
    static let authenticatedUsers = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"
    static let logDelivery = "http://acs.amazonaws.com/groups/s3/LogDelivery"
    static let groups: Set = [allUsers, authenticatedUsers, logDelivery]
    static let permissions: Set = ["FULL_CONTROL", "WRITE", "WRITE_ACP", "READ", "READ_ACP"]

    /// The grants each permission header gives.
    struct GrantHeaders {
        var fullControl: String?
        var read: String?
        var readACP: String?
        var write: String?
        var writeACP: String?

        var all: [(header: String, permission: String, value: String)] {
            [
                ("x-amz-grant-full-control", "FULL_CONTROL", fullControl), ("x-amz-grant-read", "READ", read),
                ("x-amz-grant-read-acp", "READ_ACP", readACP), ("x-amz-grant-write", "WRITE", write),
                ("x-amz-grant-write-acp", "WRITE_ACP", writeACP),
            ].compactMap { entry in entry.2.map { (entry.0, entry.1, $0) } }
        }
    }

    /// The policy a request sets, checked as S3 checks it. `required` is false where an ACL is
    /// optional (PutObject, CreateBucket): nil then means none was given.
    static func policy(
        canned: String?, grants: GrantHeaders, document: S3.AccessControlPolicy?, owner: String, required: Bool
    ) throws -> S3.AccessControlPolicy? {
        let headerGrants = grants.all
        if canned != nil, !headerGrants.isEmpty {
            throw AWSError("InvalidRequest", "Specifying both Canned ACLs and Header Grants is not allowed")
        }
        if canned != nil || !headerGrants.isEmpty, document != nil {
            throw AWSError("UnexpectedContent", "This request does not support content")
        }
        if let canned { return try self.canned(canned, owner: owner) }
        if !headerGrants.isEmpty {
            var list: [S3.Grant] = []
            for grant in headerGrants {
                for grantee in try parseGrantees(grant.value, header: grant.header) {
                    list.append(S3.Grant(grantee: grantee, permission: grant.permission))
                }
            }
            return S3.AccessControlPolicy(grants: list, owner: S3Service.owner(owner))
        }
        if let document { return try validated(document) }
        guard !required else {
            throw AWSError("MissingSecurityHeader", "Your request was missing a required header")
                .with("MissingHeaderName", "x-amz-acl")
        }
        return nil
    }

    /// The owner's full control alone: what an object without an ACL of its own has.
    static func `private`(_ owner: String) -> S3.AccessControlPolicy {
        S3.AccessControlPolicy(grants: [S3Service.ownerGrant(owner)], owner: S3Service.owner(owner))
    }

    static func canned(_ name: String, owner: String) throws -> S3.AccessControlPolicy {
        var grants = [S3Service.ownerGrant(owner)]
        func group(_ uri: String, _ permission: String) {
            grants.append(S3.Grant(grantee: S3.Grantee(type: "Group", uri: uri), permission: permission))
        }
        switch name {
        case "private", "bucket-owner-read", "bucket-owner-full-control", "aws-exec-read": break
        case "public-read": group(allUsers, "READ")
        case "public-read-write":
            group(allUsers, "READ")
            group(allUsers, "WRITE")
        case "authenticated-read": group(authenticatedUsers, "READ")
        case "log-delivery-write":
            group(logDelivery, "WRITE")
            group(logDelivery, "READ_ACP")
        default:
            // S3 answers this one with an empty Message element (AWS's recorded answers).
            throw AWSError("InvalidArgument", "").with("ArgumentName", "x-amz-acl").with("ArgumentValue", name)
        }
        return S3.AccessControlPolicy(grants: grants, owner: S3Service.owner(owner))
    }

    /// `id="…", uri="…", emailAddress="…"` as a grant header lists its grantees.
    static func parseGrantees(_ value: String, header: String) throws -> [S3.Grantee] {
        var grantees: [S3.Grantee] = []
        for item in value.split(separator: ",") {
            let parts = item.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2 else {
                throw S3Errors.invalidArgument("Argument format not recognized", name: header, value: value)
            }
            let text = parts[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            switch parts[0].lowercased() {
            case "id":
                guard isCanonicalId(text) else { throw S3Errors.invalidArgument("Invalid id", name: "id", value: text) }
                grantees.append(S3.Grantee(id: text, type: "CanonicalUser"))
            case "uri":
                guard groups.contains(text) else {
                    throw S3Errors.invalidArgument("Invalid group uri", name: "uri", value: text)
                }
                grantees.append(S3.Grantee(type: "Group", uri: text))
            case "emailaddress":
                grantees.append(S3.Grantee(emailAddress: text, type: "AmazonCustomerByEmail"))
            default:
                throw S3Errors.invalidArgument("Argument format not recognized", name: header, value: value)
            }
        }
        return grantees
    }

    static func validated(_ document: S3.AccessControlPolicy) throws -> S3.AccessControlPolicy {
        let malformed = AWSError(
            "MalformedACLError",
            "The XML you provided was not well-formed or did not validate against our published schema")
        guard let owner = document.owner else { throw malformed }
        if let id = owner.id, !isCanonicalId(id) {
            throw S3Errors.invalidArgument("Invalid id", name: "CanonicalUser/ID", value: id)
        }
        for grant in document.grants ?? [] {
            guard let permission = grant.permission, permissions.contains(permission), let grantee = grant.grantee
            else { throw malformed }
            switch grantee.type {
            case "CanonicalUser":
                guard let id = grantee.id, isCanonicalId(id) else {
                    throw S3Errors.invalidArgument("Invalid id", name: "CanonicalUser/ID", value: grantee.id)
                }
            case "Group":
                guard let uri = grantee.uri, groups.contains(uri) else {
                    throw S3Errors.invalidArgument("Invalid group uri", name: "Group/URI", value: grantee.uri)
                }
            case "AmazonCustomerByEmail": break
            default: throw malformed
            }
        }
        return document
    }

    /// Canonical user ids are 64 hex digits.
    static func isCanonicalId(_ id: String) -> Bool {
        id.utf8.count == 64 && id.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }
}

import Foundation
import SwitchyardCore

/// A policy document by the name a simulation reports it under.
public struct NamedPolicyDocument: Sendable {
    public var name: String
    public var document: String
}

// What the policy simulator reads of an entity.
extension IdentityEngine {
    /// The identity policies of a user (its groups' included), a group or a role, in the order IAM
    /// lists them (inline, then attached), and the document of its permissions boundary, if any.
    /// AWS managed policies whose documents Switchyard does not hold are left out.
    public func simulationPolicies(of arn: String, account: String) throws -> (
        policies: [NamedPolicyDocument], boundary: NamedPolicyDocument?
    ) {
        guard let parts = IAMArn.parse(arn), parts.account == account else {
            throw IAMErrors.invalidInput("Invalid ARN: \(arn)")
        }
        var holders: [PolicyHolder] = []
        var boundaryArn: String?
        switch parts.kind {
        case "user":
            let user = try user(account: account, name: parts.name)
            holders = [user.policies] + (try groups(ofUser: user.name, account: account)).map(\.policies)
            boundaryArn = user.permissionsBoundary
        case "role":
            let role = try role(account: account, name: parts.name)
            holders = [role.policies]
            boundaryArn = role.permissionsBoundary
        case "group":
            holders = [try group(account: account, name: parts.name).policies]
        default:
            throw IAMErrors.invalidInput("Invalid ARN: \(arn) is not the ARN of a user, group or role.")
        }
        var documents: [NamedPolicyDocument] = []
        for holder in holders {
            for name in holder.inlineOrder.sorted() {
                if let document = holder.inline[name] {
                    documents.append(NamedPolicyDocument(name: name, document: document))
                }
            }
            documents += holder.attached.compactMap { managedDocument($0, account: account) }
        }
        return (documents, boundaryArn.flatMap { managedDocument($0, account: account) })
    }

    /// A managed policy's default version, by ARN, if its document is known.
    func managedDocument(_ arn: String, account: String) -> NamedPolicyDocument? {
        guard let policy = try? managedPolicy(arn, account: account) else { return nil }
        return NamedPolicyDocument(name: policy.name, document: policy.document)
    }
}

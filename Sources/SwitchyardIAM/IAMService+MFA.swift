import Foundation
import SwitchyardModels
import SwitchyardWire

// MFA devices over the wire.
extension IAMService {
    public func createVirtualMFADevice(_ input: IAM.CreateVirtualMFADeviceRequest, context: RequestContext)
        async throws -> IAM.CreateVirtualMFADeviceResponse
    {
        let tags = IAMShapes.pairs(input.tags)
        let (device, ticket) = try await engine.createVirtualMFADevice(
            account: context.account, name: input.virtualMFADeviceName, path: input.path ?? "/", tags: tags)
        try await ticket.wait()
        let seed = device.seed ?? ""
        return IAM.CreateVirtualMFADeviceResponse(
            virtualMFADevice: IAM.VirtualMFADevice(
                serialNumber: device.serialNumber, base32StringSeed: Data(seed.utf8),
                qrCodePNG: Self.qrCode(device: input.virtualMFADeviceName, seed: seed, context: context),
                tags: tags.isEmpty ? nil : IAMShapes.tagList(device.tags)))
    }

    /// The PNG of the QR code an authenticator app scans: the `otpauth` URI the API reference gives,
    /// naming the device and the caller (a user's name, else the account).
    static func qrCode(device: String, seed: String, context: RequestContext) -> Data? {
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~@"))
        let label = "\(device)@\(callerUserName(context) ?? context.account)"
        let uri =
            "otpauth://totp/\(label.addingPercentEncoding(withAllowedCharacters: allowed) ?? label)?secret=\(seed)"
        return QRCode(bytes: Array(uri.utf8)).map { Data(PNGImage.qrCode($0)) }
    }

    public func deleteVirtualMFADevice(_ input: IAM.DeleteVirtualMFADeviceRequest, context: RequestContext)
        async throws
    {
        try await engine.deleteVirtualMFADevice(account: context.account, serialNumber: input.serialNumber).wait()
    }

    public func listVirtualMFADevices(_ input: IAM.ListVirtualMFADevicesRequest, context: RequestContext)
        async throws -> IAM.ListVirtualMFADevicesResponse
    {
        let assigned: Bool? =
            switch input.assignmentStatus {
            case "Assigned": true
            case "Unassigned": false
            default: nil
            }
        let devices = await engine.virtualMFADevices(account: context.account, assigned: assigned)
        let page = try Self.page(devices, input.marker, input.maxItems)
        var listed: [IAM.VirtualMFADevice] = []
        for device in page.items {
            var entry = IAM.VirtualMFADevice(serialNumber: device.serialNumber, enableDate: device.enabledAt)
            if let owner = device.userName {
                entry.user = (try? await engine.user(account: context.account, name: owner)).map {
                    IAMShapes.user($0, withTags: false)
                }
            }
            listed.append(entry)
        }
        return IAM.ListVirtualMFADevicesResponse(
            virtualMFADevices: listed, isTruncated: page.isTruncated, marker: page.marker)
    }

    public func enableMFADevice(_ input: IAM.EnableMFADeviceRequest, context: RequestContext) async throws {
        try await engine.enableMFADevice(
            account: context.account, userName: input.userName, serialNumber: input.serialNumber,
            codes: (input.authenticationCode1, input.authenticationCode2)
        ).wait()
    }

    public func deactivateMFADevice(_ input: IAM.DeactivateMFADeviceRequest, context: RequestContext) async throws {
        try await engine.deactivateMFADevice(
            account: context.account, userName: try Self.userOrCaller(input.userName, context),
            serialNumber: input.serialNumber
        ).wait()
    }

    public func resyncMFADevice(_ input: IAM.ResyncMFADeviceRequest, context: RequestContext) async throws {
        try await engine.resyncMFADevice(
            account: context.account, userName: input.userName, serialNumber: input.serialNumber,
            codes: (input.authenticationCode1, input.authenticationCode2))
    }

    public func listMFADevices(_ input: IAM.ListMFADevicesRequest, context: RequestContext) async throws
        -> IAM.ListMFADevicesResponse
    {
        // The account's root, named by no user, has no devices enabled here.
        var devices: [MFADeviceRecord] = []
        if let owner = input.userName ?? Self.callerUserName(context) {
            devices = try await engine.mfaDevices(account: context.account, userName: owner)
        }
        let page = try Self.page(devices, input.marker, input.maxItems)
        return IAM.ListMFADevicesResponse(
            mfaDevices: page.items.map {
                IAM.MFADevice(
                    userName: $0.userName ?? "", serialNumber: $0.serialNumber, enableDate: $0.enabledAt ?? $0.createdAt
                )
            }, isTruncated: page.isTruncated, marker: page.marker)
    }

    public func getMFADevice(_ input: IAM.GetMFADeviceRequest, context: RequestContext) async throws
        -> IAM.GetMFADeviceResponse
    {
        let device = try await engine.enabledMFADevice(account: context.account, serialNumber: input.serialNumber)
        return IAM.GetMFADeviceResponse(
            userName: device.userName, serialNumber: device.serialNumber, enableDate: device.enabledAt)
    }

    public func tagMFADevice(_ input: IAM.TagMFADeviceRequest, context: RequestContext) async throws {
        try await engine.changeMFADeviceTags(account: context.account, serialNumber: input.serialNumber) {
            try IAMTags.merge($0, IAMShapes.pairs(input.tags))
        }.wait()
    }

    public func untagMFADevice(_ input: IAM.UntagMFADeviceRequest, context: RequestContext) async throws {
        try await engine.changeMFADeviceTags(account: context.account, serialNumber: input.serialNumber) {
            IAMTags.removing(input.tagKeys, from: $0)
        }.wait()
    }

    public func listMFADeviceTags(_ input: IAM.ListMFADeviceTagsRequest, context: RequestContext) async throws
        -> IAM.ListMFADeviceTagsResponse
    {
        let device = try await engine.virtualMFADevice(account: context.account, serialNumber: input.serialNumber)
        let page = try Self.page(device.tags, input.marker, input.maxItems)
        return IAM.ListMFADeviceTagsResponse(
            tags: IAMShapes.tagList(page.items), isTruncated: page.isTruncated, marker: page.marker)
    }
}

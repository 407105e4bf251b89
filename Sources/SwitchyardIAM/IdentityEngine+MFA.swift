import Foundation
import SwitchyardCore

// MFA devices: virtual devices and the users they are enabled for, and hardware tokens.
extension IdentityEngine {
    public func createVirtualMFADevice(account: String, name: String, path: String, tags: [TagPair]) throws
        -> (MFADeviceRecord, CommitTicket)
    {
        let serialNumber = "arn:aws:iam::\(account):mfa\(path)\(name)"
        guard
            !mfaDevices.values.contains(where: {
                $0.account == account && $0.name?.lowercased() == name.lowercased()
            })
        else { throw IAMErrors.alreadyExists("MFA device already exists.") }
        let device = MFADeviceRecord(
            account: account, serialNumber: serialNumber, name: name, path: path, seed: TOTP.newSeed(),
            createdAt: now, userName: nil, enabledAt: nil, tags: try IAMTags.merge([], tags))
        return (device, commit([save(device)]))
    }

    /// A device by serial number, if the account holds it.
    func mfaDevice(account: String, serialNumber: String) throws -> MFADeviceRecord {
        guard let device = mfaDevices["\(account)/\(serialNumber)"] else {
            throw IAMErrors.noSuchMFADevice(serialNumber)
        }
        return device
    }

    /// A virtual device by serial number.
    public func virtualMFADevice(account: String, serialNumber: String) throws -> MFADeviceRecord {
        let device = try mfaDevice(account: account, serialNumber: serialNumber)
        guard device.isVirtual else {
            throw IAMErrors.noSuchMFADevice(serialNumber)
        }
        return device
    }

    public func deleteVirtualMFADevice(account: String, serialNumber: String) throws -> CommitTicket {
        let device = try virtualMFADevice(account: account, serialNumber: serialNumber)
        guard device.userName == nil else {
            throw IAMErrors.deleteConflict("MFA VirtualDevice in use. Must deactivate first.")
        }
        mfaDevices[device.storageKey] = nil
        return commit([.delete(.mfaDevice, key: device.storageKey)])
    }

    /// Virtual devices, `assigned` true for those enabled for a user, false for the others, nil for all.
    public func virtualMFADevices(account: String, assigned: Bool?) -> [MFADeviceRecord] {
        mfaDevices.values.filter { device in
            device.account == account && device.isVirtual && (assigned.map { $0 == (device.userName != nil) } ?? true)
        }.sorted { ($0.createdAt, $0.serialNumber) < ($1.createdAt, $1.serialNumber) }
    }

    /// Enables a device for a user. A serial that names no virtual device is a hardware token, whose
    /// codes cannot be checked here.
    public func enableMFADevice(account: String, userName: String, serialNumber: String, codes: (String, String))
        throws -> CommitTicket
    {
        let user = try user(account: account, name: userName)
        var device: MFADeviceRecord
        if let held = mfaDevices["\(account)/\(serialNumber)"] {
            device = held
        } else if serialNumber.hasPrefix("arn:") {
            throw IAMErrors.noSuchMFADevice(serialNumber)
        } else {
            device = MFADeviceRecord(
                account: account, serialNumber: serialNumber, name: nil, path: nil, seed: nil, createdAt: now,
                userName: nil, enabledAt: nil, tags: [])
        }
        guard device.userName == nil else { throw IAMErrors.alreadyExists("MFA Device is already in use.") }
        if let seed = device.seed {
            guard TOTP.consecutive(codes.0, codes.1, seed: seed, now: now, drift: 2) else {
                throw IAMErrors.invalidAuthenticationCode()
            }
        }
        device.userName = user.name
        device.enabledAt = now
        return commit([save(device)])
    }

    /// The device as enabled for the named user.
    func enabledMFADevice(account: String, userName: String, serialNumber: String) throws -> MFADeviceRecord {
        let user = try user(account: account, name: userName)
        let device = try mfaDevice(account: account, serialNumber: serialNumber)
        guard device.userName == user.name else {
            throw IAMErrors.noSuchMFADevice(serialNumber)
        }
        return device
    }

    public func deactivateMFADevice(account: String, userName: String, serialNumber: String) throws -> CommitTicket {
        var device = try enabledMFADevice(account: account, userName: userName, serialNumber: serialNumber)
        guard device.isVirtual else {
            mfaDevices[device.storageKey] = nil
            return commit([.delete(.mfaDevice, key: device.storageKey)])
        }
        device.userName = nil
        device.enabledAt = nil
        return commit([save(device)])
    }

    /// Checks that a device's clock and the server's agree again: a wider window than enabling allows.
    public func resyncMFADevice(account: String, userName: String, serialNumber: String, codes: (String, String))
        throws
    {
        let device = try enabledMFADevice(account: account, userName: userName, serialNumber: serialNumber)
        if let seed = device.seed, !TOTP.consecutive(codes.0, codes.1, seed: seed, now: now, drift: 10) {
            throw IAMErrors.invalidAuthenticationCode()
        }
    }

    /// The devices enabled for a user, oldest first.
    public func mfaDevices(account: String, userName: String) throws -> [MFADeviceRecord] {
        let user = try user(account: account, name: userName)
        return mfaDevices.values.filter { $0.account == account && $0.userName == user.name }
            .sorted {
                ($0.enabledAt ?? $0.createdAt, $0.serialNumber) < ($1.enabledAt ?? $1.createdAt, $1.serialNumber)
            }
    }

    /// An enabled device by serial number (GetMFADevice).
    public func enabledMFADevice(account: String, serialNumber: String) throws -> MFADeviceRecord {
        let device = try mfaDevice(account: account, serialNumber: serialNumber)
        guard device.userName != nil else {
            throw IAMErrors.noSuchMFADevice(serialNumber)
        }
        return device
    }

    public func changeMFADeviceTags(account: String, serialNumber: String, _ change: ([TagPair]) throws -> [TagPair])
        throws -> CommitTicket
    {
        var device = try virtualMFADevice(account: account, serialNumber: serialNumber)
        device.tags = try change(device.tags)
        return commit([save(device)])
    }

    /// How many devices the account has and how many are enabled, for the account summary.
    public func mfaDeviceCounts(account: String) -> (virtual: Int, inUse: Int) {
        let held = mfaDevices.values.filter { $0.account == account }
        return (held.filter(\.isVirtual).count, held.filter { $0.userName != nil }.count)
    }
}

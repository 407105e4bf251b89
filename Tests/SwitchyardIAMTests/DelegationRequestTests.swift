import Foundation
import SwitchyardCore
import Testing

@testable import SwitchyardIAM

@Suite struct DelegationRequestTests {
    func request(_ state: DelegationState, expiresAt: Date) -> DelegationRequestRecord {
        let created = Date(timeIntervalSince1970: 1_000_000)
        return DelegationRequestRecord(
            id: "0123456789abcdef", requestorId: "111111111111", requestorName: nil, requestorWorkflowId: "wf-1",
            description: "d", requestMessage: nil, templateArn: nil, parameters: [], permissionPolicy: "{}",
            boundaryArns: [], redirectUrl: nil, notificationChannel: "arn:aws:sns:us-east-1:111111111111:t",
            sessionDuration: 900, onlySendByOwner: false, ownerAccountId: nil, ownerId: nil, approver: nil,
            state: state, notes: nil, rejectionReason: nil, createdAt: created, updatedAt: created,
            expiresAt: expiresAt, exchangeToken: nil, tokenExpiresAt: nil)
    }

    @Test func lifetimesFollowTheUserGuide() {
        #expect(DelegationState.unassigned.lifetime == 86_400)
        for state in [DelegationState.assigned, .pendingApproval, .accepted, .rejected, .finalized] {
            #expect(state.lifetime == 7 * 86_400)
        }
    }

    @Test func aRequestPastItsTimeIsExpiredAndKeptAsLongAgain() {
        let end = Date(timeIntervalSince1970: 2_000_000)
        let assigned = request(.assigned, expiresAt: end)
        #expect(assigned.current(at: end.addingTimeInterval(-1)).state == .assigned)
        let expired = assigned.current(at: end)
        #expect(expired.state == .expired)
        #expect(expired.updatedAt == end)
        #expect(expired.expiresAt == end.addingTimeInterval(7 * 86_400))
        #expect(expired.current(at: end.addingTimeInterval(100)) == expired)
    }

    @Test func theArnNamesTheOwnerAccountOnceKnown() {
        var record = request(.unassigned, expiresAt: Date())
        #expect(record.arn == "arn:aws:iam::111111111111:delegation-request/0123456789abcdef")
        record.ownerAccountId = "222222222222"
        #expect(record.arn == "arn:aws:iam::222222222222:delegation-request/0123456789abcdef")
    }
}

@Suite struct DelegationLifecycleTests {
    let partner = Caller(account: "111111111111", arn: "arn:aws:iam::111111111111:root", userId: "111111111111")
    let customer = Caller(
        account: "222222222222", arn: "arn:aws:iam::222222222222:user/alice", userId: "AIDAEXAMPLEALICE")

    func engineWithRequest(_ clock: ManualClock) async throws -> (IdentityEngine, String) {
        let engine = try IdentityEngine(store: MemoryIdentityStore(), clock: clock)
        let (template, _) = try await engine.registerDelegationTemplate(
            name: "t", document: #"{"Statement":[{"Effect":"Allow","Action":"sqs:*","Resource":"*"}]}"#,
            boundaryArns: [])
        let ask = DelegationAsk(
            ownerAccountId: nil, description: "d", requestMessage: nil, templateArn: template.arn, parameters: [],
            requestorWorkflowId: "wf-1", redirectUrl: nil,
            notificationChannel: "arn:aws:sns:us-east-1:111111111111:updates", sessionDuration: 900,
            onlySendByOwner: false)
        let (request, _) = try await engine.createDelegationRequest(ask, requestor: partner)
        return (engine, request.id)
    }

    @Test func anUnclaimedRequestExpiresAfterADayAndIsForgottenAWeekLater() async throws {
        let clock = ManualClock()
        let (engine, id) = try await engineWithRequest(clock)
        #expect(await engine.expireDelegationRequests().0.isEmpty)
        clock.advance(seconds: 86_400)
        let expired = await engine.expireDelegationRequests().0
        #expect(expired.map(\.id) == [id] && expired.first?.state == .expired)
        #expect(await engine.expireDelegationRequests().0.isEmpty)
        #expect(try await engine.delegationRequest(id: id, caller: partner).state == .expired)
        clock.advance(seconds: 7 * 86_400)
        _ = await engine.expireDelegationRequests()
        await #expect(throws: (any Error).self) { try await engine.delegationRequest(id: id, caller: partner) }
    }

    @Test func theExchangeTokenYieldsCredentialsUntilTheSessionEnds() async throws {
        let clock = ManualClock()
        let (engine, id) = try await engineWithRequest(clock)
        _ = try await engine.associateDelegationRequest(id: id, caller: customer)
        _ = try await engine.acceptDelegationRequest(id: id, caller: customer, roleArn: nil)
        let (sent, _) = try await engine.sendDelegationToken(id: id, caller: customer)
        let token = try #require(sent.exchangeToken)
        let (session, _, _) = try await engine.redeemDelegationToken(token, caller: partner)
        #expect(session.arn == customer.arn && session.account == customer.account)
        #expect(session.expiration == sent.updatedAt.addingTimeInterval(900))
        // Not for another account, and not once the session window has passed.
        await #expect(throws: (any Error).self) { try await engine.redeemDelegationToken(token, caller: customer) }
        clock.advance(seconds: 900)
        await #expect(throws: (any Error).self) { try await engine.redeemDelegationToken(token, caller: partner) }
    }
}

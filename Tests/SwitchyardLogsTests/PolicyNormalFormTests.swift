import Testing

@testable import SwitchyardLogs

@Suite struct PolicyNormalFormTests {
    @Test func storedFormPutsVersionFirstAndWritesSingleListsAsValues() {
        let given =
            #"{"Statement":[{"Action":["logs:PutLogEvents"],"Effect":"Allow","Principal":{"Service":["route53.amazonaws.com"]},"Resource":"*","Sid":"s"}]}"#
        #expect(
            PolicyNormalForm.text(given)
                == #"{"Version":"2008-10-17","Statement":[{"Sid":"s","Effect":"Allow","Principal":{"Service":"route53.amazonaws.com"},"Action":"logs:PutLogEvents","Resource":"*"}]}"#
        )
    }

    @Test func listsOfSeveralAndAGivenVersionStay() {
        let given =
            #"{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":["logs:A","logs:B"],"Resource":"*"}}"#
        #expect(
            PolicyNormalForm.text(given)
                == #"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":["logs:A","logs:B"],"Resource":"*"}]}"#
        )
    }
}

import Foundation
import Testing

@testable import SwitchyardSES

@Suite struct TemplateRendererTests {
    func render(_ template: String, _ json: String) throws -> String {
        try SESTemplate(parsing: template).render(TemplateValue(jsonString: json))
    }

    func error(_ template: String, _ json: String = "{}") -> TemplateError? {
        do {
            _ = try render(template, json)
            return nil
        } catch {
            return error as? TemplateError
        }
    }

    @Test func substitutesWithoutEscapingAndPrintsNumbersAsWritten() throws {
        // SES does not HTML-escape, so the double and triple forms print the same.
        let data = #"{"name": "<b>Ann</b>", "count": 3, "price": 1.50, "vip": true}"#
        #expect(try render("Hi {{name}} {{{name}}} {{&name}}", data) == "Hi <b>Ann</b> <b>Ann</b> <b>Ann</b>")
        #expect(try render("{{count}} / {{price}} / {{vip}}", data) == "3 / 1.50 / true")
        #expect(try render("{{ name }}", data) == "<b>Ann</b>")
    }

    @Test func followsNestedPaths() throws {
        let data = #"{"contact": {"firstName": "Anaya", "address": {"city": "Bengaluru"}}, "list": ["a", "b"]}"#
        #expect(try render("{{contact.firstName}} of {{contact.address.city}}", data) == "Anaya of Bengaluru")
        #expect(try render("{{contact/firstName}} {{list.[1]}} {{list.length}}", data) == "Anaya b 2")
    }

    @Test func missingPrintedValueIsARenderingFailure() {
        let missing = error("Dear {{name}}, your favorite animal is {{favoriteanimal}}.", #"{"name": "John"}"#)
        #expect(missing == .missingRenderingAttribute("favoriteanimal"))
        #expect(missing?.code == "MissingRenderingAttribute")
        #expect(missing?.message == "Attribute 'favoriteanimal' is not present in the rendering data.")
        #expect(error("{{contact.phone}}", #"{"contact": {}}"#) == .missingRenderingAttribute("contact.phone"))
        #expect(error("{{website}}", #"{"website": null}"#) == .missingRenderingAttribute("website"))
        // A helper SES does not have fails the same way, named after the helper.
        #expect(error("{{#IF x}}y{{/IF}}", #"{"x": 1}"#) == .missingRenderingAttribute("IF"))
    }

    @Test func missingValueInAConditionIsFalse() throws {
        // The SES guide's example: a recipient without `subscription` gets the else branch.
        let template =
            "{{#if subscription}}<ul>{{#each subscription}}<li>{{interest}}</li>{{/each}}</ul>"
            + "{{else}}Please update your preferences.{{/if}}"
        #expect(try render(template, #"{"contact": {}}"#) == "Please update your preferences.")
        #expect(try render(template, #"{"subscription": [{"interest": "Sports"}]}"#) == "<ul><li>Sports</li></ul>")
        #expect(try render("{{#if a.b.c}}y{{else}}n{{/if}}{{#unless gone}}!{{/unless}}", "{}") == "n!")
        let zero = "{{#if zero}}y{{else}}n{{/if}}{{#if zero includeZero=true}}Y{{/if}}"
        #expect(try render(zero, #"{"zero": 0}"#) == "nY")
    }

    @Test func iteratesArraysWithDataVariables() throws {
        let template = "{{#each items}}{{@index}}:{{this}}{{#if @first}}<{{/if}}{{#if @last}}>{{/if}} {{/each}}"
        #expect(try render(template, #"{"items": ["a", "b", "c"]}"#) == "0:a< 1:b 2:c> ")
        #expect(try render("{{#each items}}x{{else}}none{{/each}}", #"{"items": []}"#) == "none")
        #expect(try render("{{#each missing}}x{{/each}}ok", "{}") == "ok")
        let parameters = "{{#each items as |item i|}}{{i}}={{item.n}} {{/each}}"
        #expect(try render(parameters, #"{"items": [{"n": 1}]}"#) == "0=1 ")
    }

    @Test func iteratesObjectsInDocumentOrder() throws {
        // A repeated key keeps its first place and its last value, as JSON.parse does.
        let data = #"{"prices": {"tea": 2, "coffee": 3, "tea": 4}}"#
        #expect(try render("{{#each prices}}{{@key}}={{.}};{{/each}}", data) == "tea=4;coffee=3;")
    }

    @Test func withAndParentPaths() throws {
        let data = #"{"company": "ACME", "person": {"name": "Ann"}, "teams": [{"name": "red", "members": ["x", "y"]}]}"#
        #expect(try render("{{#with person}}{{name}} of {{../company}}{{/with}}", data) == "Ann of ACME")
        #expect(try render("{{#with nobody}}x{{else}}nobody{{/with}}", data) == "nobody")
        let nested = "{{#each teams}}{{#each members}}{{../name}}/{{this}}/{{@root.company}} {{/each}}{{/each}}"
        #expect(try render(nested, data) == "red/x/ACME red/y/ACME ")
    }

    @Test func elseIfChainsAndNestedBlocks() throws {
        let template = "{{#if a}}A{{else if b}}B{{else unless c}}not C{{else}}C{{/if}}"
        #expect(try render(template, #"{"a": true}"#) == "A")
        #expect(try render(template, #"{"b": "yes"}"#) == "B")
        #expect(try render(template, "{}") == "not C")
        #expect(try render(template, #"{"c": 1}"#) == "C")
        let nested = "{{#each rows}}{{#if ok}}{{#each cells}}[{{this}}]{{/each}}{{else}}-{{/if}}{{/each}}"
        #expect(try render(nested, #"{"rows": [{"ok": true, "cells": [1, 2]}, {"ok": false}]}"#) == "[1][2]-")
    }

    @Test func commentsAndWhitespaceControl() throws {
        #expect(try render("a{{! note }}b{{!-- a }} comment --}}c", "{}") == "abc")
        #expect(try render("x  {{~name~}}  y", #"{"name": "N"}"#) == "xNy")
        // Block tags alone on their line take the line with them.
        let list = "<ul>\n  {{#each items}}\n  <li>{{this}}</li>\n  {{/each}}\n</ul>"
        #expect(try render(list, #"{"items": [1, 2]}"#) == "<ul>\n  <li>1</li>\n  <li>2</li>\n</ul>")
        #expect(try render("{{#if a}}\r\n  yes\r\n{{else}}\r\n  no\r\n{{/if}}\r\n", "{}") == "  no\r\n")
        #expect(try render(#"\{{literal}} {{x}}"#, #"{"x": 1}"#) == "{{literal}} 1")
    }

    @Test func inlinePartialsAsTheSESGuideWritesThem() throws {
        let template =
            #"{{#* inline "fullName"}}{{firstName}}{{#if lastName}} {{lastName}}{{/if}}{{/inline}}"#
            + "\n<h1>Hello {{> fullName}}!</h1><ul>{{#each friends}}<li>{{> fullName}}</li>{{/each}}</ul>"
        let data = #"{"firstName": "Anaya", "lastName": "Iyengar", "friends": [{"firstName": "Bo"}]}"#
        // The newline after the definition is not rendered.
        #expect(try render(template, data) == "<h1>Hello Anaya Iyengar!</h1><ul><li>Bo</li></ul>")
        let card = #"{{#* inline "card"}}[{{title}}|{{tag}}]{{/inline~}}"# + "\n{{> card item tag=\"new\"}}"
        #expect(try render(card, #"{"item": {"title": "T"}}"#) == "[T|new]")
    }

    @Test func syntaxErrorsAreInvalidTemplates() {
        #expect(error("{{#if x}}never closed")?.code == "InvalidTemplate")
        #expect(error("{{#if x}}never closed") == .invalidTemplate("The block {{#if}} at line 1 is not closed."))
        #expect(
            error("{{#if x}}\n{{/each}}") == .invalidTemplate("{{#if}} at line 1 doesn't match {{/each}} at line 2."))
        #expect(error("{{/if}}")?.code == "InvalidTemplate")
        #expect(error("Hello {{name")?.message == "Template is invalid: Unterminated tag at line 1.")
        #expect(error("{{> nowhere}}") == .invalidTemplate("The partial nowhere could not be found."))
        #expect(error("{{#if}}x{{/if}}")?.code == "InvalidTemplate")
        #expect(error("{{#each a}}{{else}}{{else}}{{/each}}")?.code == "InvalidTemplate")
        #expect(error("{{a..b}}")?.code == "InvalidTemplate")
        // Compiling alone reports syntax errors, whatever the data.
        #expect(throws: TemplateError.self) { try SESTemplate(parsing: "{{#each items}}") }
    }

    @Test func templateDataMustBeValidJSON() throws {
        let invalid = TemplateError.invalidRenderingParameter("Unable to parse template data (invalid JSON).")
        for text in ["{bad", "", "{\"a\": 01}", "{\"a\": 1} extra", "[1,]", "\"\u{01}\""] {
            #expect(throws: invalid) { try TemplateValue(jsonString: text) }
        }
        #expect(invalid.code == "InvalidRenderingParameter")
        let value = try TemplateValue(jsonString: #"{"b": [true, null, -1.5e3], "a": "\u00e9\ud83d\ude00"}"#)
        #expect(value == ["b": [true, nil, .number(-1500, text: "-1.5e3")], "a": "é😀"])
        // Nesting past the limit is refused rather than recursed into.
        let deep = String(repeating: "[", count: 1_000) + String(repeating: "]", count: 1_000)
        #expect(throws: invalid) { try TemplateValue(jsonString: deep) }
    }

    @Test func runawayTemplatesFailInsteadOfHanging() {
        let recursive = #"{{#* inline "r"}}{{> r}}{{> r}}{{/inline}}{{> r}}"#
        #expect(error(recursive)?.code == "InvalidTemplate")
        let deep = String(repeating: "{{#if a}}", count: 500) + String(repeating: "{{/if}}", count: 500)
        #expect(error(deep)?.code == "InvalidTemplate")
    }
}

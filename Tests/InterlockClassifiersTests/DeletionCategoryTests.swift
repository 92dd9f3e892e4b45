import InterlockClassifiers
import InterlockCore
import Testing

/// What a deletion takes with it (`teardown`, `data_loss`), and only that: the corpus checks the
/// categories a deletion must carry, these also the ones it must not. Cloud CLIs whose command
/// trees are not modelled are read by their words; AWS calls by name and parameters.
@Suite struct DeletionCategoryTests {
    let classifier = ShellClassifier()

    @Test(arguments: [
        ("gcloud projects delete shop-prod", Category.teardown),
        ("az group delete -n prod --yes", .teardown),
        ("eksctl delete cluster prod", .teardown),
        ("heroku apps:destroy shop --confirm shop", .teardown),
        ("sls remove --stage prod", .teardown),
        ("gcloud sql instances delete prod-db", .dataLoss),
        ("gsutil rm gs://shop/orders.csv", .dataLoss),
        ("heroku pg:reset DATABASE_URL", .dataLoss),
        ("vault secrets disable secret/", .dataLoss),
    ])
    func deletionsCarryWhatTheyTake(commandLine: String, category: Category) {
        let facts = classifier.classify(commandLine: commandLine)
        #expect(facts.effect == .destructive)
        #expect(facts.categories.contains(category), "\(commandLine): \(facts.categories)")
    }

    /// Stopping is not deleting, a VM is not an environment, and names after the verb are not
    /// nouns: a cluster called `cluster` deleted with `az vm delete` is still a VM.
    @Test(arguments: [
        "az vm stop --resource-group prod --name web",
        "gcloud compute instances delete web-1",
        "az vm delete -g rg -n cluster --yes",
        "vercel rm shop --yes",
        "gcloud services disable compute.googleapis.com",
        "nomad job stop -purge web",
        "az aks stop --name prod --resource-group rg",
    ])
    func otherActsAreNotTeardowns(commandLine: String) {
        let facts = classifier.classify(commandLine: commandLine)
        #expect(facts.effect == .destructive)
        #expect(!facts.categories.contains(.teardown), "\(commandLine): \(facts.categories)")
    }

    @Test(arguments: [
        "az vm stop --resource-group prod --name web",
        "gcloud projects delete shop-prod",
        "gcloud services disable compute.googleapis.com",
        "vercel rm shop --yes",
    ])
    func otherActsLoseNoData(commandLine: String) {
        let facts = classifier.classify(commandLine: commandLine)
        #expect(!facts.categories.contains(.dataLoss), "\(commandLine): \(facts.categories)")
    }

    /// Stack instances removed from their stack set with `RetainStacks` keep their stacks.
    @Test func retainedStackInstancesAreNoTeardown() {
        func categories(retain: Bool) -> Set<InterlockCore.Category> {
            let findings = AWSOperation.classify(service: "cloudformation", operation: "DeleteStackInstances",
                                                 parameters: .object(["StackSetName": .string("baseline"), "RetainStacks": .bool(retain)]))
            return Classification(findings: findings).categories
        }
        #expect(categories(retain: false).contains(.teardown))
        #expect(categories(retain: true).isEmpty)
    }
}

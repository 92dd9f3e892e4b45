import InterlockClassifiers
import InterlockCore
import Testing

/// Cloud CLIs whose command trees are not modelled still say what a deletion takes with it, and
/// only that: the corpus checks the categories a deletion must carry, these the ones it must not.
@Suite struct CloudCLICommandTests {
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
}

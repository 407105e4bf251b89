/// What AWS creates for a service-linked role, by service principal: the role's name
/// (`AWSServiceRoleFor` + `roleName`) and the AWS managed policy it attaches, as AWS recorded them.
/// A service not listed gets each part of its name capitalized and no policy. Only three services
/// accept a custom suffix.
enum ServiceLinkedRoles {
    struct Kind {
        /// What follows `AWSServiceRoleFor` in the role's name.
        let roleName: String
        /// The managed policy's path and name under `arn:aws:iam::aws:policy/`, if AWS attaches one.
        let policy: String?
    }

    static let known: [String: Kind] = [
        "accountdiscovery.ssm.amazonaws.com": Kind(
            roleName: "AmazonSSM_AccountDiscovery",
            policy: "aws-service-role/AWSSystemsManagerAccountDiscoveryServicePolicy"),
        "acm.amazonaws.com": Kind(
            roleName: "CertificateManager", policy: "aws-service-role/CertificateManagerServiceRolePolicy"),
        "appmesh.amazonaws.com": Kind(roleName: "AppMesh", policy: "aws-service-role/AWSAppMeshServiceRolePolicy"),
        "autoscaling-plans.amazonaws.com": Kind(
            roleName: "AutoScalingPlans_EC2AutoScaling",
            policy: "aws-service-role/AWSAutoScalingPlansEC2AutoScalingPolicy"),
        "autoscaling.amazonaws.com": Kind(
            roleName: "AutoScaling", policy: "aws-service-role/AutoScalingServiceRolePolicy"),
        "backup.amazonaws.com": Kind(
            roleName: "Backup", policy: "aws-service-role/AWSBackupServiceLinkedRolePolicyForBackup"),
        "batch.amazonaws.com": Kind(roleName: "Batch", policy: "aws-service-role/BatchServiceRolePolicy"),
        "cassandra.application-autoscaling.amazonaws.com": Kind(
            roleName: "ApplicationAutoScaling_CassandraTable",
            policy: "aws-service-role/AWSApplicationAutoscalingCassandraTablePolicy"),
        "cks.kms.amazonaws.com": Kind(
            roleName: "KeyManagementServiceCustomKeyStores",
            policy: "aws-service-role/AWSKeyManagementServiceCustomKeyStoresServiceRolePolicy"),
        "cloudtrail.amazonaws.com": Kind(
            roleName: "CloudTrail", policy: "aws-service-role/CloudTrailServiceRolePolicy"),
        "codestar-notifications.amazonaws.com": Kind(
            roleName: "CodeStarNotifications", policy: "aws-service-role/AWSCodeStarNotificationsServiceRolePolicy"),
        "config.amazonaws.com": Kind(roleName: "Config", policy: "aws-service-role/AWSConfigServiceRolePolicy"),
        "connect.amazonaws.com": Kind(
            roleName: "AmazonConnect", policy: "aws-service-role/AmazonConnectServiceLinkedRolePolicy"),
        "dms-fleet-advisor.amazonaws.com": Kind(
            roleName: "DMSFleetAdvisor", policy: "aws-service-role/AWSDMSFleetAdvisorServiceRolePolicy"),
        "dms.amazonaws.com": Kind(
            roleName: "DMSServerless", policy: "aws-service-role/AWSDMSServerlessServiceRolePolicy"),
        "docdb-elastic.amazonaws.com": Kind(
            roleName: "DocDB-Elastic", policy: "aws-service-role/AmazonDocDB-ElasticServiceRolePolicy"),
        "dynamodb.application-autoscaling.amazonaws.com": Kind(
            roleName: "ApplicationAutoScaling_DynamoDBTable",
            policy: "aws-service-role/AWSApplicationAutoscalingDynamoDBTablePolicy"),
        "ec2-instance-connect.amazonaws.com": Kind(
            roleName: "Ec2InstanceConnect", policy: "aws-service-role/Ec2InstanceConnectEndpoint"),
        "ec2.application-autoscaling.amazonaws.com": Kind(
            roleName: "ApplicationAutoScaling_EC2SpotFleetRequest",
            policy: "aws-service-role/AWSApplicationAutoscalingEC2SpotFleetRequestPolicy"),
        "ecr.amazonaws.com": Kind(roleName: "ECRTemplate", policy: "aws-service-role/ECRTemplateServiceRolePolicy"),
        "ecs.amazonaws.com": Kind(roleName: "ECS", policy: "aws-service-role/AmazonECSServiceRolePolicy"),
        "ecs.application-autoscaling.amazonaws.com": Kind(
            roleName: "ApplicationAutoScaling_ECSService",
            policy: "aws-service-role/AWSApplicationAutoscalingECSServicePolicy"),
        "eks-connector.amazonaws.com": Kind(
            roleName: "AmazonEKSConnector", policy: "aws-service-role/AmazonEKSConnectorServiceRolePolicy"),
        "eks-fargate.amazonaws.com": Kind(
            roleName: "AmazonEKSForFargate", policy: "aws-service-role/AmazonEKSForFargateServiceRolePolicy"),
        "eks-nodegroup.amazonaws.com": Kind(
            roleName: "AmazonEKSNodegroup", policy: "aws-service-role/AWSServiceRoleForAmazonEKSNodegroup"),
        "eks.amazonaws.com": Kind(roleName: "AmazonEKS", policy: "aws-service-role/AmazonEKSServiceRolePolicy"),
        "elasticache.amazonaws.com": Kind(
            roleName: "ElastiCache", policy: "aws-service-role/ElastiCacheServiceRolePolicy"),
        "elasticbeanstalk.amazonaws.com": Kind(
            roleName: "ElasticBeanstalk", policy: "aws-service-role/AWSElasticBeanstalkServiceRolePolicy"),
        "elasticfilesystem.amazonaws.com": Kind(
            roleName: "AmazonElasticFileSystem", policy: "aws-service-role/AmazonElasticFileSystemServiceRolePolicy"),
        "elasticloadbalancing.amazonaws.com": Kind(
            roleName: "ElasticLoadBalancing", policy: "aws-service-role/AWSElasticLoadBalancingServiceRolePolicy"),
        "email.cognito-idp.amazonaws.com": Kind(
            roleName: "AmazonCognitoIdpEmailService", policy: "aws-service-role/AmazonCognitoIdpEmailServiceRolePolicy"),
        "emr-containers.amazonaws.com": Kind(
            roleName: "AmazonEMRContainers", policy: "aws-service-role/AmazonEMRContainersServiceRolePolicy"),
        "emrwal.amazonaws.com": Kind(roleName: "EMRWAL", policy: "aws-service-role/EMRDescribeClusterPolicyForEMRWAL"),
        "es.amazonaws.com": Kind(
            roleName: "AmazonElasticsearchService", policy: "aws-service-role/AmazonElasticsearchServiceRolePolicy"),
        "events.amazonaws.com": Kind(
            roleName: "CloudWatchEvents", policy: "aws-service-role/CloudWatchEventsServiceRolePolicy"),
        "fis.amazonaws.com": Kind(roleName: "FIS", policy: "aws-service-role/AmazonFISServiceRolePolicy"),
        "grafana.amazonaws.com": Kind(
            roleName: "AmazonGrafana", policy: "aws-service-role/AmazonGrafanaServiceLinkedRolePolicy"),
        "imagebuilder.amazonaws.com": Kind(
            roleName: "ImageBuilder", policy: "aws-service-role/AWSServiceRoleForImageBuilder"),
        "iotmanagedintegrations.amazonaws.com": Kind(
            roleName: "IoTManagedIntegrations", policy: "aws-service-role/AWSIoTManagedIntegrationsRolePolicy"),
        "kafka.amazonaws.com": Kind(roleName: "Kafka", policy: "aws-service-role/KafkaServiceRolePolicy"),
        "kafkaconnect.amazonaws.com": Kind(
            roleName: "KafkaConnect", policy: "aws-service-role/KafkaConnectServiceRolePolicy"),
        "lakeformation.amazonaws.com": Kind(
            roleName: "LakeFormationDataAccess", policy: "aws-service-role/LakeFormationDataAccessServiceRolePolicy"),
        "lambda.amazonaws.com": Kind(roleName: "Lambda", policy: nil),
        "lex.amazonaws.com": Kind(roleName: "LexBots", policy: "aws-service-role/AmazonLexBotPolicy"),
        "lexv2.amazonaws.com": Kind(roleName: "LexV2Bots", policy: "aws-service-role/AmazonLexV2BotPolicy"),
        "lightsail.amazonaws.com": Kind(roleName: "Lightsail", policy: "aws-service-role/LightsailExportAccess"),
        "m2.amazonaws.com": Kind(roleName: "AWSM2", policy: "aws-service-role/AWSM2ServicePolicy"),
        "memorydb.amazonaws.com": Kind(roleName: "MemoryDB", policy: "aws-service-role/MemoryDBServiceRolePolicy"),
        "mq.amazonaws.com": Kind(roleName: "AmazonMQ", policy: "aws-service-role/AmazonMQServiceRolePolicy"),
        "mrk.kms.amazonaws.com": Kind(
            roleName: "KeyManagementServiceMultiRegionKeys",
            policy: "aws-service-role/AWSKeyManagementServiceMultiRegionKeysServiceRolePolicy"),
        "notifications.amazonaws.com": Kind(
            roleName: "AwsUserNotifications", policy: "aws-service-role/AWSUserNotificationsServiceLinkedRolePolicy"),
        "observability.aoss.amazonaws.com": Kind(
            roleName: "AmazonOpenSearchServerless",
            policy: "aws-service-role/AmazonOpenSearchServerlessServiceRolePolicy"),
        "opensearchservice.amazonaws.com": Kind(
            roleName: "AmazonOpenSearchService", policy: "aws-service-role/AmazonOpenSearchServiceRolePolicy"),
        "ops.apigateway.amazonaws.com": Kind(
            roleName: "APIGateway", policy: "aws-service-role/APIGatewayServiceRolePolicy"),
        "ops.emr-serverless.amazonaws.com": Kind(
            roleName: "AmazonEMRServerless", policy: "aws-service-role/AmazonEMRServerlessServiceRolePolicy"),
        "opsdatasync.ssm.amazonaws.com": Kind(
            roleName: "SystemsManagerOpsDataSync",
            policy: "aws-service-role/AWSSystemsManagerOpsDataSyncServiceRolePolicy"),
        "opsinsights.ssm.amazonaws.com": Kind(
            roleName: "AmazonSSM_OpsInsights", policy: "aws-service-role/AWSSSMOpsInsightsServiceRolePolicy"),
        "organizations.amazonaws.com": Kind(
            roleName: "Organizations", policy: "aws-service-role/AWSOrganizationsServiceTrustPolicy"),
        "pipes.amazonaws.com": Kind(roleName: "AmazonEventBridgePipes", policy: nil),
        "pullthroughcache.ecr.amazonaws.com": Kind(
            roleName: "ECRPullThroughCache", policy: "aws-service-role/AWSECRPullThroughCache_ServiceRolePolicy"),
        "ram.amazonaws.com": Kind(
            roleName: "ResourceAccessManager", policy: "aws-service-role/AWSResourceAccessManagerServiceRolePolicy"),
        "rds.amazonaws.com": Kind(roleName: "RDS", policy: "aws-service-role/AmazonRDSServiceRolePolicy"),
        "redshift.amazonaws.com": Kind(
            roleName: "Redshift", policy: "aws-service-role/AmazonRedshiftServiceLinkedRolePolicy"),
        "replication.cassandra.amazonaws.com": Kind(
            roleName: "KeyspacesReplication", policy: "aws-service-role/KeyspacesReplicationServiceRolePolicy"),
        "replication.ecr.amazonaws.com": Kind(
            roleName: "ECRReplication", policy: "aws-service-role/ECRReplicationServiceRolePolicy"),
        "repository.sync.codeconnections.amazonaws.com": Kind(
            roleName: "GitSync", policy: "aws-service-role/AWSGitSyncServiceRolePolicy"),
        "resource-explorer-2.amazonaws.com": Kind(
            roleName: "ResourceExplorer", policy: "aws-service-role/AWSResourceExplorerServiceRolePolicy"),
        "rolesanywhere.amazonaws.com": Kind(
            roleName: "RolesAnywhere", policy: "aws-service-role/AWSRolesAnywhereServicePolicy"),
        "s3-outposts.amazonaws.com": Kind(
            roleName: "S3OnOutposts", policy: "aws-service-role/AWSS3OnOutpostsServiceRolePolicy"),
        "scheduler.amazonaws.com": Kind(roleName: "AmazonEventBridgeScheduler", policy: nil),
        "ses.amazonaws.com": Kind(roleName: "AmazonSES", policy: "aws-service-role/AmazonSESServiceRolePolicy"),
        "shield.amazonaws.com": Kind(roleName: "AWSShield", policy: "aws-service-role/AWSShieldServiceRolePolicy"),
        "spot.amazonaws.com": Kind(roleName: "EC2Spot", policy: "aws-service-role/AWSEC2SpotServiceRolePolicy"),
        "ssm-incidents.amazonaws.com": Kind(
            roleName: "IncidentManager", policy: "aws-service-role/AWSIncidentManagerServiceRolePolicy"),
        "ssm-quicksetup.amazonaws.com": Kind(
            roleName: "SSMQuickSetup", policy: "aws-service-role/SSMQuickSetupRolePolicy"),
        "ssm.amazonaws.com": Kind(roleName: "AmazonSSM", policy: "aws-service-role/AmazonSSMServiceRolePolicy"),
        "sso.amazonaws.com": Kind(roleName: "SSO", policy: "aws-service-role/AWSSSOServiceRolePolicy"),
        "vpcorigin.cloudfront.amazonaws.com": Kind(
            roleName: "CloudFrontVPCOrigin", policy: "aws-service-role/AWSCloudFrontVPCOriginServiceRolePolicy"),
        "waf.amazonaws.com": Kind(roleName: "WAFLogging", policy: "aws-service-role/WAFLoggingServiceRolePolicy"),
        "wafv2.amazonaws.com": Kind(roleName: "WAFV2Logging", policy: "aws-service-role/WAFV2LoggingServiceRolePolicy"),
    ]

    static let suffixAllowed: Set<String> = [
        "autoscaling.amazonaws.com", "connect.amazonaws.com", "lexv2.amazonaws.com",
    ]

    static func name(for service: String) -> String {
        if let known = known[service] { return known.roleName }
        let prefix = String(service.dropLast(".amazonaws.com".count))
        return prefix.split(whereSeparator: { $0 == "." || $0 == "-" }).map { part in
            part.prefix(1).uppercased() + part.dropFirst()
        }.joined()
    }

    /// The ARN of the managed policy AWS attaches to the service's role, if any.
    static func policyArn(for service: String) -> String? {
        known[service]?.policy.map { "arn:aws:iam::aws:policy/\($0)" }
    }

    /// Whether a role is one AWS manages for a service (its path says so).
    static func isServiceLinked(_ role: RoleRecord) -> Bool {
        role.path.hasPrefix("/aws-service-role/")
    }
}
